// German. Translations of `consent.*` need legal review before production (docs/smart-link.md "Languages").
import { type Messages } from './catalogue';

export const de: Messages = {
  languageName: 'Deutsch',
  switchLanguage: 'Sprache',

  consent: {
    version: 'de-2026-12-02',
    subscribe: (p) =>
      `Ich bin einverstanden, dass ${p.artist} und das Team mir Neuigkeiten über die Musik per E-Mail oder SMS senden. Ich kann mich jederzeit über den Link in jeder Nachricht abmelden.`,
  },

  smartLink: {
    artworkAlt: (p) => `Cover von ${p.title}`,
    presaveTitle: (p) => `${p.title} — Pre-Save`,
    listenTitle: (p) => `${p.title} — anhören`,
    presavedTitle: (p) => `${p.title} — vorgemerkt`,
    presaveOnSpotify: 'Pre-Save auf Spotify',
    landsLocal: (p) => `Es landet am ${p.when} in deiner Bibliothek, in deiner eigenen Zeitzone`,
    landsGlobal: (p) => `Es landet am ${p.when} in deiner Bibliothek, weltweit im selben Moment.`,
    signInNote: (p) =>
      `Du meldest dich einmal mit Spotify an; wir bitten nur darum, diese Veröffentlichung zu speichern${p.followArtist ? ' und dem Artist zu folgen' : ''} und in den ersten Wochen nach der Veröffentlichung zu sehen, ob du sie hörst.`,
    newsFrom: (p) => `Neuigkeiten von ${p.artist}:`,
    emailPlaceholder: 'E-Mail',
    phonePlaceholder: 'Telefon, z. B. +4915112345678',
    subscribe: 'Abonnieren',
    deleteMyData: 'Meine Daten löschen',
    youreIn: 'Du bist dabei.',
    inYourLibraryAt: (p) => `Es ist am ${p.when} in deiner Bibliothek.`,
    disconnectNote: 'Du kannst dropday jederzeit in den Einstellungen deines Spotify-Kontos (Apps) trennen.',
    releaseNotFound: 'Veröffentlichung nicht gefunden',
    releaseNotFoundBody: 'Dieser Link führt zu keiner Veröffentlichung, oder die Veröffentlichung wurde zurückgezogen.',
  },

  platforms: {
    listenOn: (p) => `Auf ${p.platform} hören`,
    rememberChoice: (p) => `Meine Wahl für ${p.artist} auf diesem Gerät merken (ein Cookie nur dieser Website)`,
    countdown: 'Countdown auf Spotify',
    listeningOn: (p) => `Du hörst auf ${p.platforms}? [Am Veröffentlichungstag erinnern]`,
    preaddOnAppleMusic: 'Pre-Add auf Apple Music',
    appleMusicUnavailable: 'Apple Music ist gerade nicht verfügbar.',
    appleMusicWaiting: 'Warte auf Apple Music…',
    appleMusicDeclined: 'Du hast den Zugriff bei Apple Music nicht erlaubt, daher wurde nichts hinzugefügt.',
    appleMusicFailed: 'Das Pre-Add hat nicht geklappt. Bitte versuche es noch einmal.',
  },

  reminders: {
    remindWhenOut: 'Erinnere mich, wenn es erscheint:',
    phoneForSms: 'Telefon für eine SMS, z. B. +4915112345678',
    iListenOn: 'Ich höre auf',
    remindMe: 'Erinnere mich',
    declinedTitle: 'Kein Pre-Save',
    declined: 'Du hast den Zugriff bei Spotify nicht erlaubt, daher wurde nichts gespeichert.',
    notAllowedTitle: 'Spotify hat uns nicht hereingelassen',
    notAllowed: 'Spotify erlaubt dieser App gerade nicht, für dein Konto zu speichern.',
    unavailableTitle: 'Spotify hat nicht geantwortet',
    unavailable: 'Wir konnten die Anmeldung bei Spotify nicht abschließen.',
    remindInstead: 'Stattdessen am Veröffentlichungstag erinnern',
    tryAgain: 'Oder versuche es jederzeit erneut über die [Seite der Veröffentlichung].',
    inAppTitle: (p) => `${p.title} — im Browser öffnen`,
    inAppHeading: 'Öffne diese Seite in deinem Browser',
    inAppBody:
      'Die Anmeldung mit Spotify funktioniert am besten im Browser deines Handys: Tippe auf das •••-Menü und wähle „Im Browser öffnen“.',
    continueAnyway: 'Trotzdem hier fortfahren',
    orReminder: '[Oder am Veröffentlichungstag eine Erinnerung erhalten]',
  },

  adConsent: {
    question: (p) =>
      `Darf ${p.artist} die eigenen Anzeigen auf dieser Seite messen? Mit deinem OK setzt diese Seite Werbe-Cookies, und ${p.told}. Sonst erfährt niemand etwas.`,
    toldMeta:
      'Meta (Facebook, Instagram) erfährt von deinem Besuch, deinem Pre-Save und deiner bestätigten Anmeldung (deine E-Mail-Adresse und Telefonnummer nur gehasht)',
    toldGoogle: (p) =>
      `Google Ads erfährt, dass dein Klick auf die Google-Anzeige von ${p.artist} zu einem Pre-Save oder einer bestätigten Anmeldung geführt hat`,
    allow: 'Erlauben',
    deny: 'Nein danke',
    noChoiceTitle: 'Keine Auswahl getroffen',
    noChoice: 'Wähle „Erlauben“ oder „Nein danke“. Es wurde nichts geändert.',
  },

  subscription: {
    notSubscribed: 'Nicht abonniert',
    nothingSaved: 'Es wurde nichts gespeichert.',
    badEmail: 'Diese E-Mail-Adresse sieht nicht richtig aus.',
    badPhone: 'Gib die Telefonnummer mit Ländervorwahl an, z. B. +4915112345678.',
    noConsent: 'Setze das Häkchen, um dem Erhalt von Nachrichten zuzustimmen.',
    badForm: 'Das Formular wurde nicht wie erwartet ausgefüllt.',
    checkInbox: 'Sieh in dein Postfach',
    checkInboxBody: (p) =>
      `Um Neuigkeiten von ${p.artist} zu abonnieren, öffne den Link, den wir an deine E-Mail-Adresse geschickt haben. Vorher senden wir dir nichts.`,
    almostThere: 'Fast geschafft',
    almostThereBody: (p) =>
      `Wir bestätigen jedes Abonnement per E-Mail, bevor wir etwas senden: Gib auch deine E-Mail-Adresse an, um Neuigkeiten von ${p.artist} zu erhalten.`,
    confirmTitle: 'Bestätige dein Abonnement',
    confirmQuestion: 'Abonnement bestätigen?',
    confirmButton: 'Ja, abonnieren',
    subscribedTitle: 'Abonniert',
    subscribedHeading: 'Du hast abonniert',
    subscribedBody:
      'Ab jetzt erhältst du Neuigkeiten zu dieser Veröffentlichung. Jede Nachricht enthält einen Link zum Abmelden.',
    unsubscribeNow: 'Jetzt abmelden',
    unsubscribeTitle: 'Abmelden',
    unsubscribeQuestion: 'Abmelden?',
    unsubscribeButton: 'Abmelden',
    unsubscribedTitle: 'Abgemeldet',
    unsubscribedBody: 'Du erhältst keine Nachrichten mehr zu dieser Veröffentlichung.',
    linkNotValid: 'Link ungültig',
    unsubscribeLinkNotValid: 'Dieser Abmeldelink ist ungültig.',
    confirmationLinkNotValid: 'Dieser Bestätigungslink ist ungültig.',
    smsTexted: 'Für die Erinnerung auch per SMS öffne den Link, den wir an dein Telefon geschickt haben.',
    smsNotNow:
      'Wir konnten dir gerade keine SMS schicken: Sende das Formular später noch einmal für die Erinnerung per SMS.',
    phoneConfirmTitle: 'SMS-Erinnerungen bestätigen',
    phoneConfirmQuestion: 'Die Erinnerung per SMS erhalten?',
    phoneConfirmButton: 'Ja, schickt mir eine SMS',
    phoneConfirmedTitle: 'SMS bestätigt',
    phoneConfirmedBody:
      'Dein Telefon erhält die Erinnerung, sobald auch deine E-Mail-Adresse bestätigt ist. Jede SMS enthält einen Link zum Abmelden.',
  },

  privacy: {
    deleteTitle: 'Meine Daten löschen',
    deleteIntro:
      'Melde dich mit dem Spotify-Konto an, mit dem du das Pre-Save gemacht hast, damit wir wissen, dass du es bist. Dann löschen wir deine Pre-Saves, deine Spotify-Tokens und deine Aktivität auf unseren Seiten — sofort und in jedem Fall innerhalb von 30 Tagen.',
    verifyWithSpotify: 'Mit Spotify bestätigen',
    signInSavesNothing: 'Die Anmeldung hier fragt nach keiner Berechtigung und speichert nichts.',
    emailOnly: 'Du hast uns nur eine E-Mail-Adresse gegeben? Wir senden ihr einen Bestätigungslink.',
    sendLink: 'Link senden',
    notSent: 'Nicht gesendet',
    badEmail: 'Diese E-Mail-Adresse sieht nicht richtig aus. Es wurde nichts gesendet.',
    checkInbox: 'Sieh in dein Postfach',
    checkInboxBody:
      'Falls wir Daten zu dieser Adresse haben, haben wir ihr einen Link zur Bestätigung der Löschung gesendet.',
    linkNotValid: 'Link ungültig',
    linkExpired: 'Dieser Link ist ungültig oder abgelaufen. Fordere einen neuen an.',
    confirmTitle: 'Löschung bestätigen',
    deleteEverything: 'Alles über mich löschen',
    requestTitle: 'Löschanfrage',
    reference: (p) => `Referenz ${p.id}`,
    completed: (p) => `Abgeschlossen am ${p.date}: Wir haben keine Daten mehr über dich.`,
    failed:
      'Nicht abgeschlossen: Die Löschung konnte nicht automatisch erfolgen. Nenne diese Referenz, wenn du uns kontaktierst, und wir schließen sie von Hand ab.',
    inProgress:
      'In Bearbeitung: Sie wird innerhalb von 30 Tagen nach deiner Anfrage abgeschlossen, meist innerhalb von Minuten.',
    notFound: 'Nicht gefunden',
    noSuchRequest: 'Es gibt keine Löschanfrage mit dieser Referenz.',
    nothingDeleted: 'Nichts wurde gelöscht',
    notSignedIn: 'Du hast dich nicht mit Spotify angemeldet, daher konnten wir nicht prüfen, ob du es bist.',
    nothingToDelete: 'Nichts zu löschen',
    noDataForAccount: 'Wir haben keine Daten, die mit diesem Spotify-Konto verknüpft sind.',
  },

  signIn: {
    somethingWrong: 'Etwas ist schiefgelaufen',
    invalid: 'Dieser Anmeldelink ist ungültig.',
    incomplete: 'Dieser Anmeldelink ist unvollständig.',
    tooLong: 'Das hat etwas zu lange gedauert',
    expired: 'Die Anmeldung ist abgelaufen.',
    otherBrowser: 'Diese Anmeldung wurde in einem anderen Browser begonnen.',
    alreadyUsed: 'Bereits verwendet',
    used: 'Dieser Anmeldelink wurde bereits verwendet.',
    startAgain: 'Bitte beginne noch einmal auf der Seite, von der du gekommen bist.',
    spotifyNoAnswer: 'Spotify hat nicht geantwortet',
    spotifyNoAnswerBody:
      'Wir konnten die Anmeldung bei Spotify nicht abschließen. Bitte versuche es gleich noch einmal.',
  },

  mail: {
    unsubscribeLine: (p) => `Von diesen Nachrichten abmelden: ${p.link}`,
    confirmSubject: (p) => `Bestätige dein Abonnement von ${p.artist}`,
    confirmBody: (p) =>
      `Jemand (hoffentlich du) hat darum gebeten, an diese Adresse Neuigkeiten von ${p.artist} zu „${p.title}“ zu erhalten. Zum Bestätigen öffne ${p.link} innerhalb von 7 Tagen. Falls du es nicht warst, ignoriere diese Nachricht: Wir senden dir nichts weiter.`,
    deletionSubject: 'Bestätige die Löschung deiner Daten',
    deletionBody: (p) =>
      `Jemand (hoffentlich du) hat dropday gebeten, die Daten zu löschen, die wir zu dieser E-Mail-Adresse haben. Zum Bestätigen öffne ${p.link} innerhalb von 24 Stunden. Falls du es nicht warst, ignoriere diese Nachricht.`,
    reconsentSubject: (p) => `Behalte dein Pre-Save von „${p.title}“`,
    reconsentBody: (p) =>
      `Deine Spotify-Anmeldung für „${p.title}“ endet vor der Veröffentlichung. Mach das Pre-Save erneut, um es zu behalten: ${p.link}`,
    reminderSubject: (p) => `„${p.title}“ von ${p.artist} ist erschienen`,
    reminderBody: (p) =>
      `„${p.title}“ von ${p.artist} ist jetzt erschienen (veröffentlicht am ${p.when}). Du wolltest erinnert werden:`,
    everyPlatform: 'Alle Plattformen',
    reminderSms: (p) => `„${p.title}“ von ${p.artist} ist erschienen (${p.when}): ${p.link}`,
    smsStop: 'Abmelden',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `Bestätige SMS-Erinnerungen für „${p.title}“ von ${p.artist}: ${p.link}\nNicht du? Ignoriere diese Nachricht.`,
  },
};
