// English: the reference catalogue. Its shape is the type every other language must fill (./catalogue.ts), so a
// key missing in one language is a type error. Text between [brackets] becomes the message's link (./linked.ts).
// `consent.*` is what a fan agrees to: a change of its wording takes a new `consent.version` (docs/smart-link.md).
export const en = {
  languageName: 'English',
  switchLanguage: 'Language',

  consent: {
    version: 'en-2026-12-02',
    subscribe: (p: { artist: string }) =>
      `I agree that ${p.artist} and their team may send me news about their music by e-mail or text message. I can unsubscribe at any time with the link in every message.`,
  },

  smartLink: {
    artworkAlt: (p: { title: string }) => `Artwork of ${p.title}`,
    presaveTitle: (p: { title: string }) => `${p.title} — pre-save`,
    listenTitle: (p: { title: string }) => `${p.title} — listen`,
    presavedTitle: (p: { title: string }) => `${p.title} — pre-saved`,
    presaveOnSpotify: 'Pre-save on Spotify',
    landsLocal: (p: { when: string }) => `It lands in your library at ${p.when}, in your own time zone`,
    landsGlobal: (p: { when: string }) => `It lands in your library at ${p.when}, the same moment worldwide.`,
    signInNote: (p: { followArtist: boolean }) =>
      `You sign in with Spotify once; we only ask to save this release${p.followArtist ? ' and follow the artist' : ''} and, for a few weeks after the release, to see whether you play it.`,
    newsFrom: (p: { artist: string }) => `Get news from ${p.artist}:`,
    emailPlaceholder: 'e-mail',
    phonePlaceholder: 'phone, e.g. +33612345678',
    subscribe: 'Subscribe',
    deleteMyData: 'Delete my data',
    youreIn: "You're in.",
    inYourLibraryAt: (p: { when: string }) => `It will be in your library at ${p.when}.`,
    disconnectNote: 'You can disconnect dropday at any time in your Spotify account settings (Apps).',
    releaseNotFound: 'Release not found',
    releaseNotFoundBody: 'This link does not lead to a release, or the release was withdrawn.',
  },

  platforms: {
    listenOn: (p: { platform: string }) => `Listen on ${p.platform}`,
    rememberChoice: (p: { artist: string }) =>
      `Remember my choice for ${p.artist} on this device (a cookie on this site only)`,
    countdown: 'Countdown on Spotify',
    listeningOn: (p: { platforms: string }) => `Listening on ${p.platforms}? [Remind me on release day]`,
    preaddOnAppleMusic: 'Pre-add on Apple Music',
    appleMusicUnavailable: 'Apple Music is not available right now.',
    appleMusicWaiting: 'Waiting for Apple Music…',
    appleMusicDeclined: 'You did not allow access on Apple Music, so nothing was added.',
    appleMusicFailed: 'The pre-add did not work. Please try again.',
  },

  reminders: {
    remindWhenOut: 'Remind me when it is out:',
    phoneForSms: 'phone for an SMS too, e.g. +33612345678',
    iListenOn: 'I listen on',
    remindMe: 'Remind me',
    declinedTitle: 'No pre-save',
    declined: 'You did not allow access on Spotify, so nothing was saved.',
    notAllowedTitle: 'Spotify did not let us in',
    notAllowed: 'Spotify does not let this app save for your account right now.',
    unavailableTitle: 'Spotify did not answer',
    unavailable: 'We could not complete the sign-in with Spotify.',
    remindInstead: 'Remind me on release day instead',
    tryAgain: 'Or try again any time from the [release page].',
    inAppTitle: (p: { title: string }) => `${p.title} — open in your browser`,
    inAppHeading: 'Open this page in your browser',
    inAppBody:
      'Signing in with Spotify works best in your phone\'s browser: tap the ••• menu and choose "Open in browser".',
    continueAnyway: 'Continue here anyway',
    orReminder: '[Or get a reminder on release day]',
  },

  adConsent: {
    question: (p: { artist: string; told: string }) =>
      `May ${p.artist} measure their ads on this page? With your OK this page sets advertising cookies, and ${p.told}. Nobody else is told.`,
    toldMeta:
      'Meta (Facebook, Instagram) learns of your visit, your pre-save and your confirmed sign-up (your e-mail address and phone number only hashed)',
    toldGoogle: (p: { artist: string }) =>
      `Google Ads learns that your click on ${p.artist}'s Google ad led to a pre-save or a confirmed sign-up`,
    allow: 'Allow',
    deny: 'No thanks',
    noChoiceTitle: 'No choice made',
    noChoice: 'Choose "Allow" or "No thanks". Nothing was changed.',
  },

  subscription: {
    notSubscribed: 'Not subscribed',
    nothingSaved: 'Nothing was saved.',
    badEmail: 'That e-mail address does not look right.',
    badPhone: 'Give the phone number with its country code, e.g. +33612345678.',
    noConsent: 'Tick the box to agree to receive messages.',
    badForm: 'The form was not filled in as expected.',
    checkInbox: 'Check your inbox',
    checkInboxBody: (p: { artist: string }) =>
      `To subscribe to news from ${p.artist}, open the link we have sent to your e-mail address. Nothing is sent to you before you do.`,
    almostThere: 'Almost there',
    almostThereBody: (p: { artist: string }) =>
      `We confirm every subscription by e-mail before sending anything: give your e-mail address too to receive news from ${p.artist}.`,
    confirmTitle: 'Confirm your subscription',
    confirmQuestion: 'Confirm your subscription?',
    confirmButton: 'Yes, subscribe me',
    subscribedTitle: 'Subscribed',
    subscribedHeading: "You're subscribed",
    subscribedBody: 'You will now receive news about this release. Every message carries a link to unsubscribe.',
    unsubscribeNow: 'Unsubscribe now',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeQuestion: 'Unsubscribe?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'Unsubscribed',
    unsubscribedBody: 'You will receive no more messages about this release.',
    linkNotValid: 'Link not valid',
    unsubscribeLinkNotValid: 'This unsubscribe link is not valid.',
    confirmationLinkNotValid: 'This confirmation link is not valid.',
    smsTexted: 'For the reminder by SMS too, open the link we have texted to your phone.',
    smsNotNow: 'We could not text your phone now: send the form again later for the reminder by SMS.',
    phoneConfirmTitle: 'Confirm SMS reminders',
    phoneConfirmQuestion: 'Get the reminder by SMS?',
    phoneConfirmButton: 'Yes, text me',
    phoneConfirmedTitle: 'SMS confirmed',
    phoneConfirmedBody:
      'Your phone will get the reminder once your e-mail address is confirmed too. Every text carries a link to stop.',
  },

  privacy: {
    deleteTitle: 'Delete my data',
    deleteIntro:
      'Sign in with the Spotify account you pre-saved with, so we know it is you. We then delete your pre-saves, your Spotify tokens and your activity on our pages — at once, and in any case within 30 days.',
    verifyWithSpotify: 'Verify with Spotify',
    signInSavesNothing: 'Signing in here asks for no permission and saves nothing.',
    emailOnly: 'Gave us only an e-mail address? We send it a link to confirm.',
    sendLink: 'Send me the link',
    notSent: 'Not sent',
    badEmail: 'That e-mail address does not look right. Nothing was sent.',
    checkInbox: 'Check your inbox',
    checkInboxBody: 'If we hold data about this address, we have sent it a link to confirm the deletion.',
    linkNotValid: 'Link not valid',
    linkExpired: 'This link is not valid or has expired. Ask for a new one.',
    confirmTitle: 'Confirm deletion',
    deleteEverything: 'Delete everything about me',
    requestTitle: 'Deletion request',
    reference: (p: { id: string }) => `Reference ${p.id}`,
    completed: (p: { date: string }) => `Completed on ${p.date}: we hold no data about you any more.`,
    failed:
      'Not completed: the deletion could not be done automatically. Quote this reference when you contact us and we will complete it by hand.',
    inProgress: 'In progress: it completes within 30 days of your request, usually within minutes.',
    notFound: 'Not found',
    noSuchRequest: 'There is no deletion request with this reference.',
    nothingDeleted: 'Nothing was deleted',
    notSignedIn: 'You did not sign in with Spotify, so we could not tell it was you.',
    nothingToDelete: 'Nothing to delete',
    noDataForAccount: 'We hold no data linked to this Spotify account.',
  },

  signIn: {
    somethingWrong: 'Something went wrong',
    invalid: 'This sign-in link is not valid.',
    incomplete: 'This sign-in link is incomplete.',
    tooLong: 'That took a little too long',
    expired: 'The sign-in expired.',
    otherBrowser: 'This sign-in was started in another browser.',
    alreadyUsed: 'Already used',
    used: 'This sign-in link was already used.',
    startAgain: 'Please start again from the page you came from.',
    spotifyNoAnswer: 'Spotify did not answer',
    spotifyNoAnswerBody: 'We could not complete the sign-in with Spotify. Please try again in a moment.',
  },

  mail: {
    unsubscribeLine: (p: { link: string }) => `Unsubscribe from these messages: ${p.link}`,
    confirmSubject: (p: { artist: string }) => `Confirm your subscription to ${p.artist}`,
    confirmBody: (p: { artist: string; title: string; link: string }) =>
      `Someone (we hope you) asked to receive news from ${p.artist} about "${p.title}" at this address. To confirm, open ${p.link} within 7 days. If it was not you, ignore this message: nothing more will be sent to you.`,
    deletionSubject: 'Confirm the deletion of your data',
    deletionBody: (p: { link: string }) =>
      `Someone (we hope you) asked dropday to delete the data we hold about this e-mail address. To confirm, open ${p.link} within 24 hours. If it was not you, ignore this message.`,
    reconsentSubject: (p: { title: string }) => `Keep your pre-save of "${p.title}"`,
    reconsentBody: (p: { title: string; link: string }) =>
      `Your Spotify sign-in for "${p.title}" ends before the release. Pre-save again to keep it: ${p.link}`,
    reminderSubject: (p: { title: string; artist: string }) => `"${p.title}" by ${p.artist} is out`,
    reminderBody: (p: { title: string; artist: string; when: string }) =>
      `"${p.title}" by ${p.artist} is out now (released ${p.when}). You asked us to remind you:`,
    everyPlatform: 'Every platform',
    reminderSms: (p: { title: string; artist: string; when: string; link: string }) =>
      `"${p.title}" by ${p.artist} is out (${p.when}): ${p.link}`,
    smsStop: 'Stop',
    phoneConfirmSms: (p: { title: string; artist: string; link: string }) =>
      `Confirm SMS reminders for "${p.title}" by ${p.artist}: ${p.link}\nNot you? Ignore this text.`,
  },
};
