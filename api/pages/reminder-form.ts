// The smart link's "remind me" form (issue 16): a fan dropday cannot pre-save for (another platform, a Spotify
// sign-in that failed, an in-app browser) asks for one e-mail and/or SMS on release day. It posts to the subscribe
// route with `remind=yes`: the same double opt-in (nothing is sent before the e-mailed link is opened), the same
// per-artist consent text stored with it, and the unsubscribe link in every message.
import { type Campaign } from '../../db/campaigns';
import { type ReleaseLink } from '../../lib/platforms/catalog-fill';
import { PLATFORM_FACTS } from '../../lib/platforms/catalog';
import { type Html, html, page } from './layout';

export function reminderForm(campaign: Campaign, links: readonly ReleaseLink[], consentText: string, query = ''): Html {
  const options = links.map((l) => html`<option value="${l.platform}">${PLATFORM_FACTS[l.platform].label}</option>`);
  return html`<form class="subscribe" id="remind" method="post" action="/l/${campaign.slug}/subscribe${query}">
<p>Remind me when it is out:</p>
<input type="hidden" name="remind" value="yes">
<input type="hidden" name="tz" value="" data-fan-zone>
<input type="email" name="email" placeholder="e-mail" autocomplete="email" required>
<input type="tel" name="phone" placeholder="phone for an SMS too, e.g. +33612345678" autocomplete="tel">
<label>I listen on <select name="platform">${options}</select></label>
<label><input type="checkbox" name="consent" value="yes" required> ${consentText}</label>
<button type="submit">Remind me</button>
</form>
<script src="/static/platform-choice.js"></script>`;
}

const NO_PRESAVE: Record<'declined' | 'not_allowed' | 'unavailable', [string, string]> = {
  declined: ['No pre-save', 'You did not allow access on Spotify, so nothing was saved.'],
  not_allowed: ['Spotify did not let us in', 'Spotify does not let this app save for your account right now.'],
  unavailable: ['Spotify did not answer', 'We could not complete the sign-in with Spotify.'],
};

/** A pre-save that could not happen (declined, refused by Spotify, Spotify down): the reminder instead. */
export function reminderInsteadPage(campaign: Campaign, failure?: 'not_allowed' | 'unavailable'): string {
  const [title, why] = NO_PRESAVE[failure ?? 'declined'];
  return page(
    title,
    html`<h1>${title}</h1><p>${why}</p>
<p><a class="button" href="/l/${campaign.slug}#remind">Remind me on release day instead</a></p>
<p class="note">Or try again any time from the <a href="/l/${campaign.slug}">release page</a>.</p>`,
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
export function inAppBrowserPage(campaign: Campaign, continueUrl: string): string {
  return page(
    `${campaign.title} — open in your browser`,
    html`<h1>Open this page in your browser</h1>
<p>Signing in with Spotify works best in your phone's browser: tap the ••• menu and choose "Open in browser".</p>
<p><a class="button" href="${continueUrl}">Continue here anyway</a></p>
<p><a href="/l/${campaign.slug}#remind">Or get a reminder on release day</a></p>`,
  );
}
