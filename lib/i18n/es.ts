// Spanish. Translations of `consent.*` need legal review before production (docs/smart-link.md "Languages").
import { type Messages } from './catalogue';

export const es: Messages = {
  languageName: 'Español',
  switchLanguage: 'Idioma',

  consent: {
    version: 'es-2026-12-02',
    subscribe: (p) =>
      `Acepto que ${p.artist} y su equipo me envíen noticias sobre su música por correo electrónico o mensaje de texto. Puedo darme de baja en cualquier momento con el enlace que incluye cada mensaje.`,
  },

  smartLink: {
    artworkAlt: (p) => `Portada de ${p.title}`,
    presaveTitle: (p) => `${p.title} — pre-guardar`,
    listenTitle: (p) => `${p.title} — escuchar`,
    presavedTitle: (p) => `${p.title} — pre-guardado`,
    presaveOnSpotify: 'Pre-guardar en Spotify',
    landsLocal: (p) => `Llegará a tu biblioteca el ${p.when}, en tu propia zona horaria`,
    landsGlobal: (p) => `Llegará a tu biblioteca el ${p.when}, en el mismo momento en todo el mundo.`,
    signInNote: (p) =>
      `Inicias sesión con Spotify una sola vez; solo pedimos guardar este lanzamiento${p.followArtist ? ' y seguir al artista' : ''} y, durante unas semanas después del lanzamiento, ver si lo escuchas.`,
    newsFrom: (p) => `Recibe noticias de ${p.artist}:`,
    emailPlaceholder: 'correo electrónico',
    phonePlaceholder: 'teléfono, p. ej. +34612345678',
    subscribe: 'Suscribirme',
    deleteMyData: 'Borrar mis datos',
    youreIn: '¡Listo!',
    inYourLibraryAt: (p) => `Estará en tu biblioteca el ${p.when}.`,
    disconnectNote: 'Puedes desconectar dropday cuando quieras en los ajustes de tu cuenta de Spotify (Aplicaciones).',
    releaseNotFound: 'Lanzamiento no encontrado',
    releaseNotFoundBody: 'Este enlace no lleva a ningún lanzamiento, o el lanzamiento se ha retirado.',
  },

  platforms: {
    listenOn: (p) => `Escuchar en ${p.platform}`,
    rememberChoice: (p) => `Recordar mi elección para ${p.artist} en este dispositivo (una cookie solo de este sitio)`,
    countdown: 'Cuenta atrás en Spotify',
    listeningOn: (p) => `¿Escuchas en ${p.platforms}? [Recuérdamelo el día del lanzamiento]`,
    preaddOnAppleMusic: 'Pre-añadir en Apple Music',
    appleMusicUnavailable: 'Apple Music no está disponible en este momento.',
    appleMusicWaiting: 'Esperando a Apple Music…',
    appleMusicDeclined: 'No permitiste el acceso en Apple Music, así que no se añadió nada.',
    appleMusicFailed: 'No se pudo pre-añadir. Inténtalo de nuevo.',
  },

  reminders: {
    remindWhenOut: 'Recuérdamelo cuando salga:',
    phoneForSms: 'teléfono para un SMS también, p. ej. +34612345678',
    iListenOn: 'Escucho en',
    remindMe: 'Recuérdamelo',
    declinedTitle: 'Sin pre-guardado',
    declined: 'No permitiste el acceso en Spotify, así que no se guardó nada.',
    notAllowedTitle: 'Spotify no nos dejó entrar',
    notAllowed: 'Spotify no permite ahora que esta aplicación guarde música en tu cuenta.',
    unavailableTitle: 'Spotify no respondió',
    unavailable: 'No pudimos completar el inicio de sesión con Spotify.',
    remindInstead: 'Recuérdamelo el día del lanzamiento',
    tryAgain: 'O vuelve a intentarlo cuando quieras desde la [página del lanzamiento].',
    inAppTitle: (p) => `${p.title} — ábrelo en tu navegador`,
    inAppHeading: 'Abre esta página en tu navegador',
    inAppBody:
      'Iniciar sesión con Spotify funciona mejor en el navegador de tu móvil: toca el menú ••• y elige «Abrir en el navegador».',
    continueAnyway: 'Continuar aquí de todos modos',
    orReminder: '[O recibe un recordatorio el día del lanzamiento]',
  },

  adConsent: {
    question: (p) =>
      `¿Permites que ${p.artist} mida sus anuncios en esta página? Con tu permiso, esta página instala cookies publicitarias y ${p.told}. Nadie más recibe información.`,
    toldMeta:
      'Meta (Facebook, Instagram) sabrá de tu visita, tu pre-guardado y tu suscripción confirmada (tu correo electrónico y tu número de teléfono, solo cifrados con hash)',
    toldGoogle: (p) =>
      `Google Ads sabrá que tu clic en el anuncio de Google de ${p.artist} llevó a un pre-guardado o a una suscripción confirmada`,
    allow: 'Permitir',
    deny: 'No, gracias',
    noChoiceTitle: 'No elegiste nada',
    noChoice: 'Elige «Permitir» o «No, gracias». No se ha cambiado nada.',
  },

  subscription: {
    notSubscribed: 'No suscrito',
    nothingSaved: 'No se ha guardado nada.',
    badEmail: 'Esa dirección de correo no parece correcta.',
    badPhone: 'Escribe el número de teléfono con su prefijo de país, p. ej. +34612345678.',
    noConsent: 'Marca la casilla para aceptar recibir mensajes.',
    badForm: 'El formulario no se rellenó como se esperaba.',
    checkInbox: 'Revisa tu correo',
    checkInboxBody: (p) =>
      `Para suscribirte a las noticias de ${p.artist}, abre el enlace que hemos enviado a tu dirección de correo. No te enviaremos nada hasta que lo hagas.`,
    almostThere: 'Ya casi está',
    almostThereBody: (p) =>
      `Confirmamos cada suscripción por correo electrónico antes de enviar nada: indica también tu dirección de correo para recibir noticias de ${p.artist}.`,
    confirmTitle: 'Confirma tu suscripción',
    confirmQuestion: '¿Confirmas tu suscripción?',
    confirmButton: 'Sí, suscribirme',
    subscribedTitle: 'Suscrito',
    subscribedHeading: 'Ya estás suscrito',
    subscribedBody:
      'A partir de ahora recibirás noticias sobre este lanzamiento. Cada mensaje incluye un enlace para darte de baja.',
    unsubscribeNow: 'Darme de baja ahora',
    unsubscribeTitle: 'Darse de baja',
    unsubscribeQuestion: '¿Darte de baja?',
    unsubscribeButton: 'Darme de baja',
    unsubscribedTitle: 'Baja confirmada',
    unsubscribedBody: 'No recibirás más mensajes sobre este lanzamiento.',
    linkNotValid: 'Enlace no válido',
    unsubscribeLinkNotValid: 'Este enlace para darse de baja no es válido.',
    confirmationLinkNotValid: 'Este enlace de confirmación no es válido.',
    smsTexted: 'Para recibir también el recordatorio por SMS, abre el enlace que hemos enviado a tu teléfono.',
    smsNotNow:
      'No hemos podido enviar un SMS a tu teléfono ahora: vuelve a enviar el formulario más tarde para el recordatorio por SMS.',
    phoneConfirmTitle: 'Confirmar recordatorios por SMS',
    phoneConfirmQuestion: '¿Recibir el recordatorio por SMS?',
    phoneConfirmButton: 'Sí, envíame un SMS',
    phoneConfirmedTitle: 'SMS confirmado',
    phoneConfirmedBody:
      'Tu teléfono recibirá el recordatorio en cuanto confirmes también tu dirección de correo. Cada SMS incluye un enlace para darte de baja.',
  },

  privacy: {
    deleteTitle: 'Borrar mis datos',
    deleteIntro:
      'Inicia sesión con la cuenta de Spotify con la que hiciste el pre-guardado, para que sepamos que eres tú. Después borramos tus pre-guardados, tus tokens de Spotify y tu actividad en nuestras páginas: de inmediato y, en cualquier caso, en un plazo de 30 días.',
    verifyWithSpotify: 'Verificar con Spotify',
    signInSavesNothing: 'Iniciar sesión aquí no pide ningún permiso ni guarda nada.',
    emailOnly: '¿Solo nos diste una dirección de correo? Le enviamos un enlace para confirmar.',
    sendLink: 'Enviarme el enlace',
    notSent: 'No enviado',
    badEmail: 'Esa dirección de correo no parece correcta. No se ha enviado nada.',
    checkInbox: 'Revisa tu correo',
    checkInboxBody: 'Si tenemos datos de esta dirección, le hemos enviado un enlace para confirmar el borrado.',
    linkNotValid: 'Enlace no válido',
    linkExpired: 'Este enlace no es válido o ha caducado. Pide uno nuevo.',
    confirmTitle: 'Confirmar el borrado',
    deleteEverything: 'Borrar todo lo que tengáis sobre mí',
    requestTitle: 'Solicitud de borrado',
    reference: (p) => `Referencia ${p.id}`,
    completed: (p) => `Completada el ${p.date}: ya no tenemos ningún dato sobre ti.`,
    failed:
      'No completada: el borrado no pudo hacerse automáticamente. Indica esta referencia cuando nos contactes y lo completaremos a mano.',
    inProgress: 'En curso: se completa en un plazo de 30 días desde tu solicitud, normalmente en minutos.',
    notFound: 'No encontrada',
    noSuchRequest: 'No hay ninguna solicitud de borrado con esta referencia.',
    nothingDeleted: 'No se ha borrado nada',
    notSignedIn: 'No iniciaste sesión con Spotify, así que no pudimos comprobar que eras tú.',
    nothingToDelete: 'Nada que borrar',
    noDataForAccount: 'No tenemos datos vinculados a esta cuenta de Spotify.',
  },

  signIn: {
    somethingWrong: 'Algo salió mal',
    invalid: 'Este enlace de inicio de sesión no es válido.',
    incomplete: 'Este enlace de inicio de sesión está incompleto.',
    tooLong: 'Ha tardado demasiado',
    expired: 'El inicio de sesión ha caducado.',
    otherBrowser: 'Este inicio de sesión se empezó en otro navegador.',
    alreadyUsed: 'Ya utilizado',
    used: 'Este enlace de inicio de sesión ya se utilizó.',
    startAgain: 'Vuelve a empezar desde la página de la que venías.',
    spotifyNoAnswer: 'Spotify no respondió',
    spotifyNoAnswerBody: 'No pudimos completar el inicio de sesión con Spotify. Inténtalo de nuevo en un momento.',
  },

  mail: {
    unsubscribeLine: (p) => `Darte de baja de estos mensajes: ${p.link}`,
    confirmSubject: (p) => `Confirma tu suscripción a ${p.artist}`,
    confirmBody: (p) =>
      `Alguien (esperamos que tú) pidió recibir en esta dirección noticias de ${p.artist} sobre «${p.title}». Para confirmarlo, abre ${p.link} en un plazo de 7 días. Si no fuiste tú, ignora este mensaje: no te enviaremos nada más.`,
    deletionSubject: 'Confirma el borrado de tus datos',
    deletionBody: (p) =>
      `Alguien (esperamos que tú) pidió a dropday que borre los datos que tenemos sobre esta dirección de correo. Para confirmarlo, abre ${p.link} en un plazo de 24 horas. Si no fuiste tú, ignora este mensaje.`,
    reconsentSubject: (p) => `Conserva tu pre-guardado de «${p.title}»`,
    reconsentBody: (p) =>
      `Tu inicio de sesión de Spotify para «${p.title}» caduca antes del lanzamiento. Vuelve a pre-guardarlo para conservarlo: ${p.link}`,
    reminderSubject: (p) => `Ya salió «${p.title}» de ${p.artist}`,
    reminderBody: (p) =>
      `«${p.title}» de ${p.artist} ya está disponible (publicado el ${p.when}). Nos pediste que te lo recordáramos:`,
    everyPlatform: 'Todas las plataformas',
    reminderSms: (p) => `Ya salió «${p.title}» de ${p.artist} (${p.when}): ${p.link}`,
    smsStop: 'Baja',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `Confirma los recordatorios por SMS de "${p.title}" de ${p.artist}: ${p.link}\n¿No fuiste tú? Ignora este mensaje.`,
  },
};
