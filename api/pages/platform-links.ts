// The smart link's platform parts (issue 16): after the release, a button per platform the artist listed, each
// through the tracked redirect /l/:slug/go/:platform; before it, where dropday cannot pre-save for the fan, the
// way to a release-day reminder. These parts are the same for every visitor (the page is cached and shared): the
// fan's remembered platform is put first by /static/platform-choice.js in their own browser, never by the server.
import { type Campaign } from '../../db/campaigns';
import { type ReleaseLink } from '../../lib/platforms/catalog-fill';
import { type Lang, messagesFor } from '../../lib/i18n';
import { PLATFORM_FACTS, type Platform } from '../../lib/platforms/catalog';
import { type Html, html, linked } from './layout';

/** Platforms dropday saves for the fan itself before release; the others get "remind me". */
const PRESAVE_PLATFORMS: readonly Platform[] = ['spotify'];

/** The cookie remembering a fan's platform for one artist (first-party, set only when the fan ticks the box). */
export const platformChoiceCookie = (artistId: string) => `dd_platform_${artistId.replace(/-/g, '')}`;

/** After the release: every listed platform, with the consented "remember my choice". */
export function platformButtons(
  campaign: Campaign,
  links: readonly ReleaseLink[],
  query: string,
  lang: Lang = 'en',
): Html {
  const t = messagesFor(lang).platforms;
  const buttons = links.map(
    (l) =>
      html`<a class="button platform" data-platform="${l.platform}" href="/l/${campaign.slug}/go/${l.platform}${query}">${t.listenOn({ platform: PLATFORM_FACTS[l.platform].label })}</a>`,
  );
  return html`<div class="platforms" data-choice-cookie="${platformChoiceCookie(campaign.artistId)}">${buttons}</div>
<label class="note remember"><input type="checkbox" id="remember-platform"> ${t.rememberChoice({ artist: campaign.artistName })}</label>
<script src="/static/platform-choice.js"></script>`;
}

/**
 * Before the release: the Spotify Countdown Page when the artist added one, and the listed platforms dropday cannot
 * pre-save on, pointing at the reminder form.
 */
export function remindMeNote(
  links: readonly ReleaseLink[],
  countdownUrl: string | null = null,
  lang: Lang = 'en',
): Html {
  const t = messagesFor(lang).platforms;
  const countdown = countdownUrl
    ? html`<p class="note countdown"><a href="${countdownUrl}" rel="noopener">${t.countdown}</a></p>`
    : html``;
  const others = links.filter((l) => !PRESAVE_PLATFORMS.includes(l.platform));
  if (others.length === 0) return countdown;
  const names = new Intl.ListFormat(lang, { type: 'unit' }).format(others.map((l) => PLATFORM_FACTS[l.platform].label));
  return html`${countdown}<p class="note remind-me">${linked(t.listeningOn({ platforms: names }), '#remind')}</p>`;
}

/**
 * Fills the reminder form's time zone (a local release reminds the fan at their own midnight), reorders the buttons with the fan's remembered platform first, and remembers a click's platform when the fan
 * ticked the box (the redirect sets the cookie only when asked with remember=1).
 */
export const platformChoiceScript = `(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = ''; }
  document.querySelectorAll('input[data-fan-zone]').forEach(function (input) { input.value = zone; });
  var box = document.querySelector('[data-choice-cookie]');
  if (!box) return;
  var name = box.getAttribute('data-choice-cookie');
  var chosen = (document.cookie.split('; ').find(function (c) { return c.indexOf(name + '=') === 0; }) || '').split('=')[1];
  var first = chosen && box.querySelector('[data-platform="' + chosen.replace(/[^a-z_]/g, '') + '"]');
  if (first) box.insertBefore(first, box.firstChild);
  var remember = document.getElementById('remember-platform');
  box.querySelectorAll('a[data-platform]').forEach(function (a) {
    a.addEventListener('click', function () {
      if (remember && remember.checked) a.href += (a.href.indexOf('?') < 0 ? '?' : '&') + 'remember=1';
    });
  });
})();
`;
