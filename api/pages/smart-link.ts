import { type Campaign } from '../../db/campaigns';
import { artworkSrc } from './artwork-src';
import { type Html, html, page } from './layout';

/** The artwork from dropday's own origin (an upload, or the catalogue's cover copied): ./artwork-src.ts. */
function artwork(campaign: Campaign) {
  const src = artworkSrc(campaign, 320);
  return src
    ? html`<img class="art" src="${src}" srcset="${artworkSrc(campaign, 640)} 2x" width="320" height="320" alt="Artwork of ${campaign.title}">`
    : html`<div class="art placeholder" aria-hidden="true">♪</div>`;
}

function header(campaign: Campaign) {
  return html`${artwork(campaign)}<h1>${campaign.title}</h1><p class="artist">${campaign.artistName}</p>`;
}

/** The subscribe form: explicit, unticked consent with the exact text that is stored with the subscription. */
function subscribeForm(campaign: Campaign, consentText: string, links: string) {
  return html`<form class="subscribe" method="post" action="/l/${campaign.slug}/subscribe${links}">
<p>Get news from ${campaign.artistName}:</p>
<input type="email" name="email" placeholder="e-mail" autocomplete="email">
<input type="tel" name="phone" placeholder="phone, e.g. +33612345678" autocomplete="tel">
<label><input type="checkbox" name="consent" value="yes" required> ${consentText}</label>
<button type="submit">Subscribe</button>
</form>`;
}

/** The fan's way to erasure (/privacy/delete), on every page of the smart link that may have collected data. */
const deletionLink = html`<p class="note"><a href="/privacy/delete">Delete my data</a></p>`;

/** The parts of a smart-link page that vary beside the campaign. */
export interface PageParts {
  /** the visit's source as a query string, carried by the page's links so clicks are attributed like the view */
  links?: string;
  /** the ad-measurement part (consent question or pixel), see api/conversions.ts */
  extra?: Html;
  /** the platforms' part (./platform-links.ts): "remind me" before the release, every platform after it */
  platforms?: Html;
  /** other platforms' pre-save buttons (./apple-music-presave.ts) */
  otherPlatforms?: Html;
}

export function presavePage(campaign: Campaign, consentText: string, parts: PageParts = {}): string {
  const { links = '', extra = html``, platforms = html``, otherPlatforms = html`` } = parts;
  const at = `${campaign.releaseTime.slice(0, 5)} on ${campaign.releaseDate}`;
  const policy =
    campaign.releasePolicy === 'local'
      ? html`It lands in your library at ${at} in your time zone (<span id="fan-zone">${campaign.timeZone}</span>).`
      : html`It lands in your library at ${at} ${campaign.timeZone} time, the same moment worldwide.`;
  return page(
    `${campaign.title} — pre-save`,
    html`${header(campaign)}
<a class="button" data-presave="/l/${campaign.slug}/presave/spotify${links}" href="/l/${campaign.slug}/presave/spotify${links}">Pre-save on Spotify</a>
${otherPlatforms}
<p class="note">${policy} You sign in with Spotify once; we only ask to save this release${campaign.followArtist ? ' and follow the artist' : ''} and, for a few weeks after the release, to see whether you play it.</p>
${platforms}
${subscribeForm(campaign, consentText, links)}
${deletionLink}
${extra}`,
  );
}

export function listenPage(campaign: Campaign, consentText: string, parts: PageParts = {}): string {
  const { links = '', extra = html``, platforms = html`` } = parts;
  return page(
    `${campaign.title} — listen`,
    html`${header(campaign)}${platforms}
${subscribeForm(campaign, consentText, links)}
${deletionLink}
${extra}`,
  );
}

export function thanksPage(campaign: Campaign, dueAt: number | null, extra: Html = html``): string {
  const when = dueAt
    ? html` It will be in your library at ${new Date(dueAt).toISOString().replace('T', ' ').slice(0, 16)} UTC.`
    : '';
  return page(
    `${campaign.title} — pre-saved`,
    html`${header(campaign)}<p><strong>You're in.</strong>${when}</p>
<p class="note">You can disconnect dropday at any time in your Spotify account settings (Apps).</p>
${extra}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, html`<div class="error"><h1>${title}</h1><p>${message}</p></div>`);
}

export const releaseNotFoundPage = () =>
  messagePage('Release not found', 'This link does not lead to a release, or the release was withdrawn.');
