// Portuguese (Brazilian usage, understood in Portugal). Translations of `consent.*` need legal review before
// production (docs/smart-link.md "Languages").
import { type Messages } from './catalogue';

export const pt: Messages = {
  languageName: 'Português',
  switchLanguage: 'Idioma',

  consent: {
    version: 'pt-2026-12-02',
    subscribe: (p) =>
      `Concordo que ${p.artist} e sua equipe me enviem novidades sobre sua música por e-mail ou mensagem de texto. Posso cancelar a inscrição a qualquer momento pelo link presente em cada mensagem.`,
  },

  smartLink: {
    artworkAlt: (p) => `Capa de ${p.title}`,
    presaveTitle: (p) => `${p.title} — pré-salvar`,
    listenTitle: (p) => `${p.title} — ouvir`,
    presavedTitle: (p) => `${p.title} — pré-salvo`,
    presaveOnSpotify: 'Pré-salvar no Spotify',
    landsLocal: (p) => `Chega à sua biblioteca em ${p.when}, no seu próprio fuso horário`,
    landsGlobal: (p) => `Chega à sua biblioteca em ${p.when}, no mesmo momento no mundo todo.`,
    signInNote: (p) =>
      `Você entra com o Spotify uma única vez; só pedimos para salvar este lançamento${p.followArtist ? ' e seguir o artista' : ''} e, por algumas semanas após o lançamento, para ver se você o ouve.`,
    newsFrom: (p) => `Receba novidades de ${p.artist}:`,
    emailPlaceholder: 'e-mail',
    phonePlaceholder: 'telefone, ex.: +5511912345678',
    subscribe: 'Inscrever-me',
    deleteMyData: 'Apagar meus dados',
    youreIn: 'Tudo certo!',
    inYourLibraryAt: (p) => `Estará na sua biblioteca em ${p.when}.`,
    disconnectNote: 'Você pode desconectar o dropday a qualquer momento nas configurações da sua conta Spotify (Apps).',
    releaseNotFound: 'Lançamento não encontrado',
    releaseNotFoundBody: 'Este link não leva a nenhum lançamento, ou o lançamento foi retirado.',
  },

  platforms: {
    listenOn: (p) => `Ouvir no ${p.platform}`,
    rememberChoice: (p) => `Lembrar minha escolha para ${p.artist} neste dispositivo (um cookie só deste site)`,
    countdown: 'Contagem regressiva no Spotify',
    listeningOn: (p) => `Ouve no ${p.platforms}? [Me lembre no dia do lançamento]`,
    preaddOnAppleMusic: 'Pré-adicionar no Apple Music',
    appleMusicUnavailable: 'O Apple Music não está disponível agora.',
    appleMusicWaiting: 'Aguardando o Apple Music…',
    appleMusicDeclined: 'Você não permitiu o acesso no Apple Music, então nada foi adicionado.',
    appleMusicFailed: 'Não foi possível pré-adicionar. Tente de novo.',
  },

  reminders: {
    remindWhenOut: 'Me lembre quando sair:',
    phoneForSms: 'telefone para um SMS também, ex.: +5511912345678',
    iListenOn: 'Eu ouço no',
    remindMe: 'Me lembre',
    declinedTitle: 'Nenhum pré-save',
    declined: 'Você não permitiu o acesso no Spotify, então nada foi salvo.',
    notAllowedTitle: 'O Spotify não nos deixou entrar',
    notAllowed: 'No momento, o Spotify não permite que este app salve na sua conta.',
    unavailableTitle: 'O Spotify não respondeu',
    unavailable: 'Não conseguimos concluir a entrada com o Spotify.',
    remindInstead: 'Prefiro um lembrete no dia do lançamento',
    tryAgain: 'Ou tente de novo quando quiser na [página do lançamento].',
    inAppTitle: (p) => `${p.title} — abra no seu navegador`,
    inAppHeading: 'Abra esta página no seu navegador',
    inAppBody:
      'Entrar com o Spotify funciona melhor no navegador do seu celular: toque no menu ••• e escolha "Abrir no navegador".',
    continueAnyway: 'Continuar aqui mesmo assim',
    orReminder: '[Ou receba um lembrete no dia do lançamento]',
  },

  adConsent: {
    question: (p) =>
      `${p.artist} pode medir seus anúncios nesta página? Com sua permissão, esta página define cookies de publicidade, e ${p.told}. Ninguém mais é informado.`,
    toldMeta:
      'a Meta (Facebook, Instagram) fica sabendo da sua visita, do seu pré-save e da sua inscrição confirmada (seu e-mail e seu telefone apenas em hash)',
    toldGoogle: (p) =>
      `o Google Ads fica sabendo que seu clique no anúncio do Google de ${p.artist} levou a um pré-save ou a uma inscrição confirmada`,
    allow: 'Permitir',
    deny: 'Não, obrigado',
    noChoiceTitle: 'Nenhuma escolha feita',
    noChoice: 'Escolha "Permitir" ou "Não, obrigado". Nada foi alterado.',
  },

  subscription: {
    notSubscribed: 'Inscrição não feita',
    nothingSaved: 'Nada foi salvo.',
    badEmail: 'Esse endereço de e-mail não parece correto.',
    badPhone: 'Informe o telefone com o código do país, ex.: +5511912345678.',
    noConsent: 'Marque a caixa para concordar em receber mensagens.',
    badForm: 'O formulário não foi preenchido como esperado.',
    checkInbox: 'Confira seu e-mail',
    checkInboxBody: (p) =>
      `Para se inscrever nas novidades de ${p.artist}, abra o link que enviamos para o seu e-mail. Nada é enviado antes disso.`,
    almostThere: 'Quase lá',
    almostThereBody: (p) =>
      `Confirmamos cada inscrição por e-mail antes de enviar qualquer coisa: informe também seu e-mail para receber novidades de ${p.artist}.`,
    confirmTitle: 'Confirme sua inscrição',
    confirmQuestion: 'Confirmar sua inscrição?',
    confirmButton: 'Sim, quero me inscrever',
    subscribedTitle: 'Inscrito',
    subscribedHeading: 'Você está inscrito',
    subscribedBody:
      'A partir de agora você receberá novidades sobre este lançamento. Cada mensagem traz um link para cancelar a inscrição.',
    unsubscribeNow: 'Cancelar a inscrição agora',
    unsubscribeTitle: 'Cancelar inscrição',
    unsubscribeQuestion: 'Cancelar a inscrição?',
    unsubscribeButton: 'Cancelar inscrição',
    unsubscribedTitle: 'Inscrição cancelada',
    unsubscribedBody: 'Você não receberá mais mensagens sobre este lançamento.',
    linkNotValid: 'Link inválido',
    unsubscribeLinkNotValid: 'Este link de cancelamento não é válido.',
    confirmationLinkNotValid: 'Este link de confirmação não é válido.',
    smsTexted: 'Para receber também o lembrete por SMS, abra o link que enviamos para o seu telefone.',
    smsNotNow:
      'Não conseguimos enviar um SMS para o seu telefone agora: envie o formulário de novo mais tarde para o lembrete por SMS.',
    phoneConfirmTitle: 'Confirmar lembretes por SMS',
    phoneConfirmQuestion: 'Receber o lembrete por SMS?',
    phoneConfirmButton: 'Sim, envie um SMS',
    phoneConfirmedTitle: 'SMS confirmado',
    phoneConfirmedBody:
      'Seu telefone receberá o lembrete assim que o seu e-mail também for confirmado. Cada SMS traz um link para sair.',
  },

  privacy: {
    deleteTitle: 'Apagar meus dados',
    deleteIntro:
      'Entre com a conta Spotify com que você fez o pré-save, para sabermos que é você. Depois apagamos seus pré-saves, seus tokens do Spotify e sua atividade nas nossas páginas — na hora e, em qualquer caso, em até 30 dias.',
    verifyWithSpotify: 'Verificar com o Spotify',
    signInSavesNothing: 'Entrar aqui não pede nenhuma permissão e não salva nada.',
    emailOnly: 'Só nos deu um endereço de e-mail? Enviamos a ele um link para confirmar.',
    sendLink: 'Enviar o link',
    notSent: 'Não enviado',
    badEmail: 'Esse endereço de e-mail não parece correto. Nada foi enviado.',
    checkInbox: 'Confira seu e-mail',
    checkInboxBody: 'Se tivermos dados sobre este endereço, enviamos a ele um link para confirmar a exclusão.',
    linkNotValid: 'Link inválido',
    linkExpired: 'Este link não é válido ou expirou. Peça um novo.',
    confirmTitle: 'Confirmar a exclusão',
    deleteEverything: 'Apagar tudo sobre mim',
    requestTitle: 'Pedido de exclusão',
    reference: (p) => `Referência ${p.id}`,
    completed: (p) => `Concluído em ${p.date}: não guardamos mais nenhum dado sobre você.`,
    failed:
      'Não concluído: a exclusão não pôde ser feita automaticamente. Informe esta referência ao nos contatar e a concluiremos manualmente.',
    inProgress: 'Em andamento: é concluído em até 30 dias após o seu pedido, normalmente em minutos.',
    notFound: 'Não encontrado',
    noSuchRequest: 'Não existe pedido de exclusão com esta referência.',
    nothingDeleted: 'Nada foi apagado',
    notSignedIn: 'Você não entrou com o Spotify, então não pudemos confirmar que era você.',
    nothingToDelete: 'Nada para apagar',
    noDataForAccount: 'Não guardamos dados ligados a esta conta Spotify.',
  },

  signIn: {
    somethingWrong: 'Algo deu errado',
    invalid: 'Este link de entrada não é válido.',
    incomplete: 'Este link de entrada está incompleto.',
    tooLong: 'Demorou um pouco demais',
    expired: 'A entrada expirou.',
    otherBrowser: 'Esta entrada foi iniciada em outro navegador.',
    alreadyUsed: 'Já usado',
    used: 'Este link de entrada já foi usado.',
    startAgain: 'Comece de novo pela página de onde você veio.',
    spotifyNoAnswer: 'O Spotify não respondeu',
    spotifyNoAnswerBody: 'Não conseguimos concluir a entrada com o Spotify. Tente de novo em instantes.',
  },

  mail: {
    unsubscribeLine: (p) => `Cancelar a inscrição nestas mensagens: ${p.link}`,
    confirmSubject: (p) => `Confirme sua inscrição em ${p.artist}`,
    confirmBody: (p) =>
      `Alguém (esperamos que você) pediu para receber neste endereço novidades de ${p.artist} sobre "${p.title}". Para confirmar, abra ${p.link} em até 7 dias. Se não foi você, ignore esta mensagem: nada mais será enviado.`,
    deletionSubject: 'Confirme a exclusão dos seus dados',
    deletionBody: (p) =>
      `Alguém (esperamos que você) pediu ao dropday que apague os dados que guardamos sobre este endereço de e-mail. Para confirmar, abra ${p.link} em até 24 horas. Se não foi você, ignore esta mensagem.`,
    reconsentSubject: (p) => `Mantenha seu pré-save de "${p.title}"`,
    reconsentBody: (p) =>
      `Sua entrada no Spotify para "${p.title}" termina antes do lançamento. Faça o pré-save de novo para mantê-lo: ${p.link}`,
    reminderSubject: (p) => `"${p.title}" de ${p.artist} já saiu`,
    reminderBody: (p) =>
      `"${p.title}" de ${p.artist} já está disponível (lançado em ${p.when}). Você pediu que lembrássemos você:`,
    everyPlatform: 'Todas as plataformas',
    reminderSms: (p) => `"${p.title}" de ${p.artist} já saiu (${p.when}): ${p.link}`,
    smsStop: 'Sair',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `Confirme os lembretes por SMS de "${p.title}" de ${p.artist}: ${p.link}\nNão foi você? Ignore esta mensagem.`,
  },
};
