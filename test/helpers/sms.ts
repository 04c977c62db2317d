// The phone's owner reading the Twilio simulator's outbox: the confirmation text of the SMS double opt-in, and the
// reminders that reached a number.
import { type TwilioSimState } from '../../simulators/twilio';
import { http } from './release-stack';

/** The texts that reached `phone`, oldest first. */
export const textsTo = (state: TwilioSimState, phone: string) => state.sent.filter((m) => m.to === phone);

/** The confirmation texts (in any language: they carry the `/p/` link) that reached `phone`, oldest first. */
export const confirmationTextsTo = (state: TwilioSimState, phone: string) =>
  textsTo(state, phone).filter((m) => /\/p\/\S+/.test(m.body));

/** The latest confirmation link texted to `phone` (`/p/<token>`), as its owner reads it. */
export function phoneConfirmationLink(state: TwilioSimState, phone: string): string {
  const texts = confirmationTextsTo(state, phone);
  const link = texts.at(-1)?.body.match(/(\/p\/[^\s]+)/)?.[1];
  if (!link) throw new Error(`no confirmation text for ${phone}`);
  return link;
}

/** The phone's owner opens the texted link and confirms (the page's form, as the browser posts it). */
export function confirmPhone(apiUrl: string, state: TwilioSimState, phone: string) {
  return http.post(`${apiUrl}${phoneConfirmationLink(state, phone)}`, '', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
