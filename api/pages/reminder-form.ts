// The smart link's "remind me" form (issue 16): a fan dropday cannot pre-save for (another platform, a Spotify
// sign-in that failed, an in-app browser) asks for one e-mail and/or SMS on release day. It posts to the subscribe
// route with `remind=yes`: the same double opt-in (nothing is sent before the e-mailed link is opened), the same
// per-artist consent text stored with it, and the unsubscribe link in every message.
import { type Campaign } from '../../db/campaigns';
import { type ReleaseLink } from '../../lib/platforms/catalog-fill';
import { PLATFORM_FACTS } from '../../lib/platforms/catalog';
import { type Html, html } from './layout';

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
