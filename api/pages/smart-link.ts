import { type Campaign } from '../../db/campaigns';
import { formatInstant, formatWallClock, messagesFor } from '../../lib/i18n';
import { withLanguage } from '../http/fan-language';
import { artworkSrc } from './artwork-src';
import { type FanPage, type Html, html, instant, page, withWhen } from './layout';

/** The artwork from dropday's own origin (an upload, or the catalogue's cover copied): ./artwork-src.ts. */
function artwork(campaign: Campaign, fan: FanPage) {
  const src = artworkSrc(campaign, 320);
  return src
    ? html`<img class="art" src="${src}" srcset="${artworkSrc(campaign, 640)} 2x" width="320" height="320" alt="${messagesFor(fan.language.lang).smartLink.artworkAlt({ title: campaign.title })}">`
    : html`<div class="art placeholder" aria-hidden="true">♪</div>`;
}

function header(campaign: Campaign, fan: FanPage) {
  return html`${artwork(campaign, fan)}<h1>${campaign.title}</h1><p class="artist">${campaign.artistName}</p>`;
}

/** The subscribe form: explicit, unticked consent with the exact text that is stored with the subscription. */
function subscribeForm(campaign: Campaign, consentText: string, links: string, fan: FanPage) {
  const t = messagesFor(fan.language.lang).smartLink;
  return html`<form class="subscribe" method="post" action="${withLanguage(`/l/${campaign.slug}/subscribe${links}`, fan.language)}">
<p>${t.newsFrom({ artist: campaign.artistName })}</p>
<input type="email" name="email" placeholder="${t.emailPlaceholder}" aria-label="${t.emailPlaceholder}" autocomplete="email">
<input type="tel" name="phone" placeholder="${t.phonePlaceholder}" aria-label="${t.phonePlaceholder}" autocomplete="tel">
<label><input type="checkbox" name="consent" value="yes" required> ${consentText}</label>
<button type="submit">${t.subscribe}</button>
</form>`;
}

/** The fan's way to erasure (/privacy/delete), on every page of the smart link that may have collected data. */
const deletionLink = (fan: FanPage) =>
  html`<p class="note"><a href="${withLanguage('/privacy/delete', fan.language)}">${messagesFor(fan.language.lang).smartLink.deleteMyData}</a></p>`;

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
  /** the forever-save box (./forever-save.ts), read by every pre-save button */
  foreverSave?: Html;
}

/**
 * When the release lands, in the fan's terms: a local release at its wall-clock moment in their own zone (the same
 * figures everywhere); a global one at its instant, shown in the campaign's zone here and in the fan's own zone by
 * the page's script.
 */
function landing(campaign: Campaign, fan: FanPage): Html {
  const { lang } = fan.language;
  const t = messagesFor(lang).smartLink;
  if (campaign.releasePolicy === 'local') {
    const when = formatWallClock(lang, campaign.releaseDate, campaign.releaseTime);
    return html`${t.landsLocal({ when })} (<span id="fan-zone">${campaign.timeZone}</span>).`;
  }
  return withWhen(
    t.landsGlobal,
    instant(formatInstant(lang, campaign.releaseAt, campaign.timeZone), campaign.releaseAt),
  );
}

export function presavePage(campaign: Campaign, consentText: string, fan: FanPage, parts: PageParts = {}): string {
  const { links = '', extra = html``, platforms = html``, otherPlatforms = html``, foreverSave = html`` } = parts;
  const t = messagesFor(fan.language.lang).smartLink;
  const presave = withLanguage(`/l/${campaign.slug}/presave/spotify${links}`, fan.language);
  return page(
    t.presaveTitle({ title: campaign.title }),
    html`${header(campaign, fan)}
<a class="button" data-presave="${presave}" href="${presave}">${t.presaveOnSpotify}</a>
${otherPlatforms}
${foreverSave}
<p class="note">${landing(campaign, fan)} ${t.signInNote({ followArtist: campaign.followArtist })}</p>
${platforms}
${subscribeForm(campaign, consentText, links, fan)}
${deletionLink(fan)}
${extra}`,
    fan,
  );
}

export function listenPage(campaign: Campaign, consentText: string, fan: FanPage, parts: PageParts = {}): string {
  const { links = '', extra = html``, platforms = html`` } = parts;
  return page(
    messagesFor(fan.language.lang).smartLink.listenTitle({ title: campaign.title }),
    html`${header(campaign, fan)}${platforms}
${subscribeForm(campaign, consentText, links, fan)}
${deletionLink(fan)}
${extra}`,
    fan,
  );
}

/** `due`: when the fan's pre-save is delivered, in their zone (the campaign's when the fan gave none). */
export function thanksPage(
  campaign: Campaign,
  due: { at: number; zone: string } | null,
  fan: FanPage,
  extra: Html = html``,
  foreverSave: Html = html``,
): string {
  const { lang } = fan.language;
  const t = messagesFor(lang).smartLink;
  let when: Html | string = '';
  if (due) {
    when = html` ${withWhen(t.inYourLibraryAt, instant(formatInstant(lang, due.at, due.zone), due.at))}`;
  }
  return page(
    t.presavedTitle({ title: campaign.title }),
    html`${header(campaign, fan)}<p><strong>${t.youreIn}</strong>${when}</p>
<p class="note">${t.disconnectNote}</p>
${foreverSave}
${extra}`,
    fan,
  );
}

export function messagePage(title: string, message: string, fan?: FanPage): string {
  return page(title, html`<div class="error"><h1>${title}</h1><p>${message}</p></div>`, fan);
}

export const releaseNotFoundPage = (fan?: FanPage) => {
  const t = messagesFor(fan?.language.lang).smartLink;
  return messagePage(t.releaseNotFound, t.releaseNotFoundBody, fan);
};
