// What a fan agrees to when subscribing: shown on the smart link, stored with each subscription as given.
export const CONSENT_TEXT = (artist: string) =>
  `I agree that ${artist} and their team may send me news about their music by e-mail or text message. I can unsubscribe at any time with the link in every message.`;
