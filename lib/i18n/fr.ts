// French. Translations of `consent.*` need legal review before production (docs/smart-link.md "Languages").
import { type Messages } from './catalogue';

export const fr: Messages = {
  languageName: 'Français',
  switchLanguage: 'Langue',

  consent: {
    version: 'fr-2026-12-02',
    subscribe: (p) =>
      `J'accepte que ${p.artist} et son équipe m'envoient des nouvelles de sa musique par e-mail ou par SMS. Je peux me désabonner à tout moment grâce au lien présent dans chaque message.`,
  },

  smartLink: {
    artworkAlt: (p) => `Pochette de ${p.title}`,
    presaveTitle: (p) => `${p.title} — pré-enregistrer`,
    listenTitle: (p) => `${p.title} — écouter`,
    presavedTitle: (p) => `${p.title} — pré-enregistré`,
    presaveOnSpotify: 'Pré-enregistrer sur Spotify',
    landsLocal: (p) => `Il arrive dans ta bibliothèque le ${p.when}, dans ton propre fuseau horaire`,
    landsGlobal: (p) => `Il arrive dans ta bibliothèque le ${p.when}, au même moment partout dans le monde.`,
    signInNote: (p) =>
      `Tu te connectes une seule fois avec Spotify ; nous demandons seulement d'enregistrer cette sortie${p.followArtist ? " et de suivre l'artiste" : ''} et, pendant quelques semaines après la sortie, de voir si tu l'écoutes.`,
    newsFrom: (p) => `Reçois les nouvelles de ${p.artist} :`,
    emailPlaceholder: 'e-mail',
    phonePlaceholder: 'téléphone, par ex. +33612345678',
    subscribe: "M'abonner",
    deleteMyData: 'Supprimer mes données',
    youreIn: "C'est fait !",
    inYourLibraryAt: (p) => `Il sera dans ta bibliothèque le ${p.when}.`,
    disconnectNote:
      'Tu peux déconnecter dropday à tout moment dans les paramètres de ton compte Spotify (Applications).',
    releaseNotFound: 'Sortie introuvable',
    releaseNotFoundBody: 'Ce lien ne mène à aucune sortie, ou la sortie a été retirée.',
  },

  platforms: {
    listenOn: (p) => `Écouter sur ${p.platform}`,
    rememberChoice: (p) => `Mémoriser mon choix pour ${p.artist} sur cet appareil (un cookie de ce site uniquement)`,
    countdown: 'Compte à rebours sur Spotify',
    listeningOn: (p) => `Tu écoutes sur ${p.platforms} ? [Préviens-moi le jour de la sortie]`,
    preaddOnAppleMusic: 'Pré-ajouter sur Apple Music',
    appleMusicUnavailable: "Apple Music n'est pas disponible pour le moment.",
    appleMusicWaiting: "En attente d'Apple Music…",
    appleMusicDeclined: "Tu n'as pas autorisé l'accès sur Apple Music, donc rien n'a été ajouté.",
    appleMusicFailed: "Le pré-ajout n'a pas fonctionné. Réessaie.",
  },

  reminders: {
    remindWhenOut: 'Préviens-moi à la sortie :',
    phoneForSms: 'téléphone pour un SMS aussi, par ex. +33612345678',
    iListenOn: "J'écoute sur",
    remindMe: 'Préviens-moi',
    declinedTitle: 'Pas de pré-enregistrement',
    declined: "Tu n'as pas autorisé l'accès sur Spotify, donc rien n'a été enregistré.",
    notAllowedTitle: 'Spotify ne nous a pas laissés entrer',
    notAllowed: "Spotify ne permet pas à cette application d'enregistrer pour ton compte en ce moment.",
    unavailableTitle: "Spotify n'a pas répondu",
    unavailable: "Nous n'avons pas pu terminer la connexion avec Spotify.",
    remindInstead: 'Me prévenir plutôt le jour de la sortie',
    tryAgain: 'Ou réessaie quand tu veux depuis la [page de la sortie].',
    inAppTitle: (p) => `${p.title} — ouvrir dans ton navigateur`,
    inAppHeading: 'Ouvre cette page dans ton navigateur',
    inAppBody:
      'La connexion avec Spotify fonctionne mieux dans le navigateur de ton téléphone : touche le menu ••• et choisis « Ouvrir dans le navigateur ».',
    continueAnyway: 'Continuer ici quand même',
    orReminder: '[Ou reçois un rappel le jour de la sortie]',
  },

  adConsent: {
    question: (p) =>
      `${p.artist} peut-il mesurer ses publicités sur cette page ? Avec ton accord, cette page dépose des cookies publicitaires, et ${p.told}. Personne d'autre n'est informé.`,
    toldMeta:
      'Meta (Facebook, Instagram) est informé de ta visite, de ton pré-enregistrement et de ton inscription confirmée (ton adresse e-mail et ton numéro de téléphone uniquement hachés)',
    toldGoogle: (p) =>
      `Google Ads est informé que ton clic sur l'annonce Google de ${p.artist} a mené à un pré-enregistrement ou à une inscription confirmée`,
    allow: 'Autoriser',
    deny: 'Non merci',
    noChoiceTitle: 'Aucun choix fait',
    noChoice: "Choisis « Autoriser » ou « Non merci ». Rien n'a été modifié.",
  },

  subscription: {
    notSubscribed: 'Pas abonné',
    nothingSaved: "Rien n'a été enregistré.",
    badEmail: 'Cette adresse e-mail ne semble pas correcte.',
    badPhone: 'Indique le numéro de téléphone avec son indicatif pays, par ex. +33612345678.',
    noConsent: 'Coche la case pour accepter de recevoir des messages.',
    badForm: "Le formulaire n'a pas été rempli comme prévu.",
    checkInbox: 'Consulte ta boîte mail',
    checkInboxBody: (p) =>
      `Pour t'abonner aux nouvelles de ${p.artist}, ouvre le lien que nous avons envoyé à ton adresse e-mail. Rien ne t'est envoyé avant.`,
    almostThere: 'Presque fini',
    almostThereBody: (p) =>
      `Nous confirmons chaque abonnement par e-mail avant d'envoyer quoi que ce soit : indique aussi ton adresse e-mail pour recevoir les nouvelles de ${p.artist}.`,
    confirmTitle: 'Confirme ton abonnement',
    confirmQuestion: 'Confirmer ton abonnement ?',
    confirmButton: "Oui, m'abonner",
    subscribedTitle: 'Abonné',
    subscribedHeading: 'Tu es abonné',
    subscribedBody:
      'Tu recevras désormais les nouvelles de cette sortie. Chaque message contient un lien pour te désabonner.',
    unsubscribeNow: 'Me désabonner maintenant',
    unsubscribeTitle: 'Se désabonner',
    unsubscribeQuestion: 'Te désabonner ?',
    unsubscribeButton: 'Me désabonner',
    unsubscribedTitle: 'Désabonné',
    unsubscribedBody: 'Tu ne recevras plus de messages sur cette sortie.',
    linkNotValid: 'Lien non valide',
    unsubscribeLinkNotValid: "Ce lien de désabonnement n'est pas valide.",
    confirmationLinkNotValid: "Ce lien de confirmation n'est pas valide.",
    smsTexted: 'Pour recevoir aussi le rappel par SMS, ouvrez le lien que nous avons envoyé à votre téléphone.',
    smsNotNow:
      "Nous n'avons pas pu envoyer de SMS à votre téléphone : renvoyez le formulaire plus tard pour le rappel par SMS.",
    phoneConfirmTitle: 'Confirmer les rappels par SMS',
    phoneConfirmQuestion: 'Recevoir le rappel par SMS ?',
    phoneConfirmButton: 'Oui, envoyez-moi un SMS',
    phoneConfirmedTitle: 'SMS confirmé',
    phoneConfirmedBody:
      'Votre téléphone recevra le rappel dès que votre adresse e-mail sera confirmée aussi. Chaque SMS contient un lien pour arrêter.',
  },

  privacy: {
    deleteTitle: 'Supprimer mes données',
    deleteIntro:
      "Connecte-toi avec le compte Spotify utilisé pour ton pré-enregistrement, pour que nous sachions que c'est toi. Nous supprimons ensuite tes pré-enregistrements, tes jetons Spotify et ton activité sur nos pages — immédiatement, et en tout cas sous 30 jours.",
    verifyWithSpotify: 'Vérifier avec Spotify',
    signInSavesNothing: "Se connecter ici ne demande aucune autorisation et n'enregistre rien.",
    emailOnly: "Tu ne nous as donné qu'une adresse e-mail ? Nous lui envoyons un lien de confirmation.",
    sendLink: "M'envoyer le lien",
    notSent: 'Non envoyé',
    badEmail: "Cette adresse e-mail ne semble pas correcte. Rien n'a été envoyé.",
    checkInbox: 'Consulte ta boîte mail',
    checkInboxBody:
      'Si nous détenons des données sur cette adresse, nous lui avons envoyé un lien pour confirmer la suppression.',
    linkNotValid: 'Lien non valide',
    linkExpired: "Ce lien n'est pas valide ou a expiré. Demandes-en un nouveau.",
    confirmTitle: 'Confirmer la suppression',
    deleteEverything: 'Tout supprimer à mon sujet',
    requestTitle: 'Demande de suppression',
    reference: (p) => `Référence ${p.id}`,
    completed: (p) => `Terminée le ${p.date} : nous ne détenons plus aucune donnée te concernant.`,
    failed:
      "Non terminée : la suppression n'a pas pu se faire automatiquement. Indique cette référence en nous contactant et nous la terminerons à la main.",
    inProgress: 'En cours : elle se termine sous 30 jours après ta demande, en général en quelques minutes.',
    notFound: 'Introuvable',
    noSuchRequest: "Il n'existe aucune demande de suppression avec cette référence.",
    nothingDeleted: "Rien n'a été supprimé",
    notSignedIn: "Tu ne t'es pas connecté avec Spotify, nous n'avons donc pas pu vérifier que c'était toi.",
    nothingToDelete: 'Rien à supprimer',
    noDataForAccount: 'Nous ne détenons aucune donnée liée à ce compte Spotify.',
  },

  signIn: {
    somethingWrong: 'Un problème est survenu',
    invalid: "Ce lien de connexion n'est pas valide.",
    incomplete: 'Ce lien de connexion est incomplet.',
    tooLong: 'Cela a pris un peu trop de temps',
    expired: 'La connexion a expiré.',
    otherBrowser: 'Cette connexion a été commencée dans un autre navigateur.',
    alreadyUsed: 'Déjà utilisé',
    used: 'Ce lien de connexion a déjà été utilisé.',
    startAgain: "Recommence depuis la page d'où tu venais.",
    spotifyNoAnswer: "Spotify n'a pas répondu",
    spotifyNoAnswerBody: "Nous n'avons pas pu terminer la connexion avec Spotify. Réessaie dans un instant.",
  },

  mail: {
    unsubscribeLine: (p) => `Se désabonner de ces messages : ${p.link}`,
    confirmSubject: (p) => `Confirme ton abonnement à ${p.artist}`,
    confirmBody: (p) =>
      `Quelqu'un (toi, nous l'espérons) a demandé à recevoir à cette adresse les nouvelles de ${p.artist} sur « ${p.title} ». Pour confirmer, ouvre ${p.link} sous 7 jours. Si ce n'était pas toi, ignore ce message : plus rien ne te sera envoyé.`,
    deletionSubject: 'Confirme la suppression de tes données',
    deletionBody: (p) =>
      `Quelqu'un (toi, nous l'espérons) a demandé à dropday de supprimer les données que nous détenons sur cette adresse e-mail. Pour confirmer, ouvre ${p.link} sous 24 heures. Si ce n'était pas toi, ignore ce message.`,
    reconsentSubject: (p) => `Garde ton pré-enregistrement de « ${p.title} »`,
    reconsentBody: (p) =>
      `Ta connexion Spotify pour « ${p.title} » expire avant la sortie. Pré-enregistre à nouveau pour le garder : ${p.link}`,
    reminderSubject: (p) => `« ${p.title} » de ${p.artist} est sorti`,
    reminderBody: (p) =>
      `« ${p.title} » de ${p.artist} est disponible (sorti le ${p.when}). Tu nous as demandé de te prévenir :`,
    everyPlatform: 'Toutes les plateformes',
    reminderSms: (p) => `« ${p.title} » de ${p.artist} est sorti (${p.when}) : ${p.link}`,
    smsStop: 'Stop',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `Confirmez les rappels par SMS pour « ${p.title} » de ${p.artist} : ${p.link}\nCe n'est pas vous ? Ignorez ce message.`,
  },
};
