// The smart link's "remind me" form (issue 16): a fan dropday cannot pre-save for (another platform, a Spotify
// sign-in that failed, an in-app browser) asks for one e-mail and/or SMS on release day. It posts to the subscribe
// route with `remind=yes`: the same double opt-in (nothing is sent before the e-mailed link is opened), the same
// per-artist consent text stored with it, and the unsubscribe link in every message.
import { type Campaign } from '../../db/campaigns';
import { type ReleaseLink } from '../../lib/platforms/catalog-fill';
import { messagesFor } from '../../lib/i18n';
import { PLATFORM_FACTS } from '../../lib/platforms/catalog';
import { withLanguage } from '../http/fan-language';
import { type FanPage, type Html, html, linked, page } from './layout';

export function reminderForm(
  campaign: Campaign,
  links: readonly ReleaseLink[],
  consentText: string,
  fan: FanPage,
  query = '',
): Html {
  const t = messagesFor(fan.language.lang);
  const options = links.map((l) => html`<option value="${l.platform}">${PLATFORM_FACTS[l.platform].label}</option>`);
  return html`<form class="subscribe" id="remind" method="post" action="${withLanguage(`/l/${campaign.slug}/subscribe${query}`, fan.language)}">
<p>${t.reminders.remindWhenOut}</p>
<input type="hidden" name="remind" value="yes">
<input type="hidden" name="tz" value="" data-fan-zone>
<input type="email" name="email" placeholder="${t.smartLink.emailPlaceholder}" aria-label="${t.smartLink.emailPlaceholder}" autocomplete="email" required>
<input type="tel" name="phone" placeholder="${t.reminders.phoneForSms}" aria-label="${t.reminders.phoneForSms}" autocomplete="tel">
<label>${t.reminders.iListenOn} <select name="platform">${options}</select></label>
<label><input type="checkbox" name="consent" value="yes" required> ${consentText}</label>
<button type="submit">${t.reminders.remindMe}</button>
</form>
<script src="/static/platform-choice.js"></script>`;
}

/** A pre-save that could not happen (declined, refused by Spotify, Spotify down): the reminder instead. */
export function reminderInsteadPage(campaign: Campaign, fan: FanPage, failure?: 'not_allowed' | 'unavailable'): string {
  const t = messagesFor(fan.language.lang).reminders;
  const [title, why] = {
    declined: [t.declinedTitle, t.declined],
    not_allowed: [t.notAllowedTitle, t.notAllowed],
    unavailable: [t.unavailableTitle, t.unavailable],
  }[failure ?? 'declined'];
  const releasePage = withLanguage(`/l/${campaign.slug}`, fan.language);
  return page(
    title,
    html`<h1>${title}</h1><p>${why}</p>
<p><a class="button" href="${releasePage}#remind">${t.remindInstead}</a></p>
<p class="note">${linked(t.tryAgain, releasePage)}</p>`,
    fan,
  );
}

/** Browsers inside apps (Instagram, Facebook, TikTok), where a Spotify sign-in often fails or loses its session. */
export function inAppBrowserOf(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  if (/Instagram/i.test(userAgent)) return 'instagram';
  if (/FBAN|FBAV|FB_IAB|FBIOS/.test(userAgent)) return 'facebook';
  if (/musical_ly|BytedanceWebview|TikTok|trill_/i.test(userAgent)) return 'tiktok';
  return null;
}

/** The in-app browser's stop before the Spotify sign-in: open in the real browser, continue anyway, or a reminder. */
export function inAppBrowserPage(campaign: Campaign, continueUrl: string, fan: FanPage): string {
  const t = messagesFor(fan.language.lang).reminders;
  return page(
    t.inAppTitle({ title: campaign.title }),
    html`<h1>${t.inAppHeading}</h1>
<p>${t.inAppBody}</p>
<p><a class="button" href="${continueUrl}">${t.continueAnyway}</a></p>
<p>${linked(t.orReminder, `${withLanguage(`/l/${campaign.slug}`, fan.language)}#remind`)}</p>`,
    fan,
  );
}
