// Japanese. Translations of `consent.*` need legal review before production (docs/smart-link.md "Languages").
import { type Messages } from './catalogue';

export const ja: Messages = {
  languageName: '日本語',
  switchLanguage: '言語',

  consent: {
    version: 'ja-2026-12-02',
    subscribe: (p) =>
      `${p.artist}とそのチームが、音楽に関するお知らせをメールまたはSMSで私に送ることに同意します。各メッセージ内のリンクから、いつでも配信を停止できます。`,
  },

  smartLink: {
    artworkAlt: (p) => `${p.title}のアートワーク`,
    presaveTitle: (p) => `${p.title} — プリセーブ`,
    listenTitle: (p) => `${p.title} — 聴く`,
    presavedTitle: (p) => `${p.title} — プリセーブ済み`,
    presaveOnSpotify: 'Spotifyでプリセーブ',
    landsLocal: (p) => `${p.when}(あなたのタイムゾーン)にライブラリに追加されます`,
    landsGlobal: (p) => `${p.when}に、世界中で同時にライブラリに追加されます。`,
    signInNote: (p) =>
      `Spotifyへのログインは一度だけです。お願いするのは、このリリースの保存${p.followArtist ? 'とアーティストのフォロー' : ''}、そしてリリース後の数週間、再生されたかどうかの確認だけです。`,
    newsFrom: (p) => `${p.artist}からのお知らせを受け取る:`,
    emailPlaceholder: 'メールアドレス',
    phonePlaceholder: '電話番号(例: +819012345678)',
    subscribe: '登録する',
    deleteMyData: 'データを削除する',
    youreIn: '登録しました。',
    inYourLibraryAt: (p) => `${p.when}にライブラリに追加されます。`,
    disconnectNote: 'Spotifyのアカウント設定(アプリ)から、いつでもdropdayとの連携を解除できます。',
    releaseNotFound: 'リリースが見つかりません',
    releaseNotFoundBody: 'このリンクの先にリリースはないか、リリースが取り下げられました。',
  },

  platforms: {
    listenOn: (p) => `${p.platform}で聴く`,
    rememberChoice: (p) => `この端末で${p.artist}について選択を記憶する(このサイトだけのCookie)`,
    countdown: 'Spotifyのカウントダウン',
    listeningOn: (p) => `${p.platforms}で聴いていますか? [リリース日にお知らせを受け取る]`,
    preaddOnAppleMusic: 'Apple Musicでプリアド',
    appleMusicUnavailable: '現在Apple Musicを利用できません。',
    appleMusicWaiting: 'Apple Musicを待っています…',
    appleMusicDeclined: 'Apple Musicでアクセスを許可しなかったため、何も追加されていません。',
    appleMusicFailed: 'プリアドできませんでした。もう一度お試しください。',
  },

  reminders: {
    remindWhenOut: 'リリースされたら知らせてください:',
    phoneForSms: 'SMSも受け取る電話番号(例: +819012345678)',
    iListenOn: '利用しているサービス',
    remindMe: 'お知らせを受け取る',
    declinedTitle: 'プリセーブされていません',
    declined: 'Spotifyでアクセスを許可しなかったため、何も保存されていません。',
    notAllowedTitle: 'Spotifyに接続できませんでした',
    notAllowed: '現在、Spotifyはこのアプリによるあなたのアカウントへの保存を許可していません。',
    unavailableTitle: 'Spotifyから応答がありません',
    unavailable: 'Spotifyへのログインを完了できませんでした。',
    remindInstead: '代わりにリリース日にお知らせを受け取る',
    tryAgain: 'または、[リリースページ]からいつでもやり直せます。',
    inAppTitle: (p) => `${p.title} — ブラウザで開く`,
    inAppHeading: 'このページをブラウザで開いてください',
    inAppBody:
      'Spotifyへのログインは、スマートフォンのブラウザで行うのが確実です。•••メニューをタップし、「ブラウザで開く」を選んでください。',
    continueAnyway: 'このまま続ける',
    orReminder: '[または、リリース日にお知らせを受け取る]',
  },

  adConsent: {
    question: (p) =>
      `${p.artist}がこのページで広告の効果を測定してもよいですか?許可すると、このページは広告用のCookieを設定し、${p.told}。それ以外の誰にも知らされません。`,
    toldMeta:
      'Meta(Facebook、Instagram)はあなたの訪問、プリセーブ、確認済みの登録を知ります(メールアドレスと電話番号はハッシュ化した形でのみ)',
    toldGoogle: (p) =>
      `Google 広告は、${p.artist}のGoogle広告のクリックがプリセーブまたは確認済みの登録につながったことを知ります`,
    allow: '許可する',
    deny: '許可しない',
    noChoiceTitle: '選択されていません',
    noChoice: '「許可する」か「許可しない」を選んでください。何も変更されていません。',
  },

  subscription: {
    notSubscribed: '登録されていません',
    nothingSaved: '何も保存されていません。',
    badEmail: 'メールアドレスが正しくないようです。',
    badPhone: '電話番号は国番号から入力してください(例: +819012345678)。',
    noConsent: 'メッセージの受信に同意するには、チェックボックスにチェックを入れてください。',
    badForm: 'フォームが正しく入力されていません。',
    checkInbox: '受信トレイを確認してください',
    checkInboxBody: (p) =>
      `${p.artist}からのお知らせに登録するには、お送りしたメールのリンクを開いてください。それまでは何も送信されません。`,
    almostThere: 'あと少しです',
    almostThereBody: (p) =>
      `何かを送信する前に、すべての登録をメールで確認しています。${p.artist}からのお知らせを受け取るには、メールアドレスも入力してください。`,
    confirmTitle: '登録の確認',
    confirmQuestion: '登録を確定しますか?',
    confirmButton: 'はい、登録します',
    subscribedTitle: '登録完了',
    subscribedHeading: '登録が完了しました',
    subscribedBody:
      'このリリースに関するお知らせが届くようになります。すべてのメッセージに配信停止のリンクが含まれています。',
    unsubscribeNow: '今すぐ配信を停止する',
    unsubscribeTitle: '配信停止',
    unsubscribeQuestion: '配信を停止しますか?',
    unsubscribeButton: '配信を停止する',
    unsubscribedTitle: '配信を停止しました',
    unsubscribedBody: 'このリリースに関するメッセージは今後届きません。',
    linkNotValid: '無効なリンク',
    unsubscribeLinkNotValid: 'この配信停止リンクは無効です。',
    confirmationLinkNotValid: 'この確認リンクは無効です。',
    smsTexted: 'SMSでもリマインダーを受け取るには、お使いの電話に送ったリンクを開いてください。',
    smsNotNow:
      '今はSMSを送信できませんでした。SMSでのリマインダーを希望する場合は、後でもう一度フォームを送信してください。',
    phoneConfirmTitle: 'SMSリマインダーの確認',
    phoneConfirmQuestion: 'SMSでリマインダーを受け取りますか？',
    phoneConfirmButton: 'はい、SMSを受け取る',
    phoneConfirmedTitle: 'SMSを確認しました',
    phoneConfirmedBody:
      'メールアドレスも確認されると、この電話にリマインダーが届きます。すべてのSMSに配信停止のリンクがあります。',
  },

  privacy: {
    deleteTitle: 'データを削除する',
    deleteIntro:
      '本人確認のため、プリセーブに使ったSpotifyアカウントでログインしてください。その後、あなたのプリセーブ、Spotifyのトークン、当サイトでのアクティビティを削除します。削除はすぐに行われ、遅くとも30日以内に完了します。',
    verifyWithSpotify: 'Spotifyで確認する',
    signInSavesNothing: 'ここでのログインでは、権限を求めることも何かを保存することもありません。',
    emailOnly: 'メールアドレスだけを登録しましたか?そのアドレスに確認用のリンクをお送りします。',
    sendLink: 'リンクを送る',
    notSent: '送信されていません',
    badEmail: 'メールアドレスが正しくないようです。何も送信されていません。',
    checkInbox: '受信トレイを確認してください',
    checkInboxBody: 'このアドレスに関するデータを保有している場合、削除を確認するリンクをお送りしました。',
    linkNotValid: '無効なリンク',
    linkExpired: 'このリンクは無効か、有効期限が切れています。新しいリンクをご請求ください。',
    confirmTitle: '削除の確認',
    deleteEverything: '私に関するすべてのデータを削除する',
    requestTitle: '削除リクエスト',
    reference: (p) => `受付番号 ${p.id}`,
    completed: (p) => `${p.date}に完了しました。あなたに関するデータは一切保有していません。`,
    failed:
      '完了していません。削除を自動で行えませんでした。お問い合わせの際にこの受付番号をお伝えいただければ、手作業で削除を完了します。',
    inProgress: '処理中です。リクエストから30日以内に完了します(通常は数分です)。',
    notFound: '見つかりません',
    noSuchRequest: 'この受付番号の削除リクエストはありません。',
    nothingDeleted: '何も削除されていません',
    notSignedIn: 'Spotifyでログインしなかったため、ご本人であることを確認できませんでした。',
    nothingToDelete: '削除するデータはありません',
    noDataForAccount: 'このSpotifyアカウントに関連するデータは保有していません。',
  },

  signIn: {
    somethingWrong: '問題が発生しました',
    invalid: 'このログインリンクは無効です。',
    incomplete: 'このログインリンクは不完全です。',
    tooLong: '時間がかかりすぎました',
    expired: 'ログインの有効期限が切れました。',
    otherBrowser: 'このログインは別のブラウザで開始されました。',
    alreadyUsed: '使用済み',
    used: 'このログインリンクはすでに使用されています。',
    startAgain: '元のページからもう一度やり直してください。',
    spotifyNoAnswer: 'Spotifyから応答がありません',
    spotifyNoAnswerBody: 'Spotifyへのログインを完了できませんでした。しばらくしてからもう一度お試しください。',
  },

  mail: {
    unsubscribeLine: (p) => `このメッセージの配信停止: ${p.link}`,
    confirmSubject: (p) => `${p.artist}のお知らせ登録の確認`,
    confirmBody: (p) =>
      `どなたか(おそらくあなた)が、このアドレスで${p.artist}の「${p.title}」に関するお知らせの受け取りを申し込みました。確定するには、7日以内に ${p.link} を開いてください。お心当たりがない場合は、このメッセージを無視してください。今後何も送信されません。`,
    deletionSubject: 'データ削除の確認',
    deletionBody: (p) =>
      `どなたか(おそらくあなた)が、このメールアドレスに関してdropdayが保有するデータの削除を依頼しました。確定するには、24時間以内に ${p.link} を開いてください。お心当たりがない場合は、このメッセージを無視してください。`,
    reconsentSubject: (p) => `「${p.title}」のプリセーブを続けるには`,
    reconsentBody: (p) =>
      `「${p.title}」のためのSpotifyログインは、リリース前に期限が切れます。プリセーブを続けるには、もう一度プリセーブしてください: ${p.link}`,
    reminderSubject: (p) => `${p.artist}「${p.title}」がリリースされました`,
    reminderBody: (p) =>
      `${p.artist}の「${p.title}」が配信開始されました(リリース: ${p.when})。ご依頼いただいたお知らせです:`,
    everyPlatform: 'すべてのサービス',
    reminderSms: (p) => `${p.artist}「${p.title}」配信開始(${p.when}): ${p.link}`,
    smsStop: '配信停止',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `${p.artist}「${p.title}」のSMSリマインダーを確認: ${p.link}\nお心当たりがない場合は、このメッセージを無視してください。`,
  },
};
