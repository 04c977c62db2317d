// The smart link's "Pre-add on Apple Music" button: its own partial and script, so the page itself changes by one
// slot. The MusicKit script comes from APPLE_MUSIC_MUSICKIT_URL (Apple's CDN, or the simulator's stand-in in
// sandbox mode): the same page code runs against both (docs/providers/apple-music.md "MusicKit on the Web").
import { type Response } from 'express';
import { type Campaign } from '../../db/campaigns';
import { messagesFor } from '../../lib/i18n';
import { addContentSecuritySources } from '../http/content-security';
import { type FanLanguage, withLanguage } from '../http/fan-language';
import { type Html, html } from './layout';

export const APPLE_MUSIC_SCRIPT_PATH = '/static/apple-music-presave.js';

/** The button, with the script's status texts in the page's language (the script itself is the same for all). */
export function appleMusicPresaveButton(campaign: Campaign, musicKitUrl: string, language: FanLanguage): Html {
  const t = messagesFor(language.lang).platforms;
  return html`<button type="button" class="button apple-music" id="apple-music-presave" data-presave-url="${withLanguage(`/l/${campaign.slug}/presave/apple-music`, language)}" data-thanks-url="${withLanguage(`/l/${campaign.slug}/thanks`, language)}" data-unavailable="${t.appleMusicUnavailable}" data-waiting="${t.appleMusicWaiting}" data-declined="${t.appleMusicDeclined}" data-failed="${t.appleMusicFailed}" disabled>${t.preaddOnAppleMusic}</button>
<p class="note" id="apple-music-status" role="status"></p>
<script src="${musicKitUrl}" async></script>
<script src="${APPLE_MUSIC_SCRIPT_PATH}"></script>`;
}

/**
 * The page may load MusicKit from its host and let it talk to Apple (or the simulator); its sign-in pop-up keeps its
 * opener (helmet's `same-origin` opener policy would cut it, and the token could not come back).
 */
export function allowMusicKit(res: Response, musicKitUrl: string, apiUrl: string): void {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin-allow-popups');
  const scriptOrigin = new URL(musicKitUrl).origin;
  const apiOrigin = new URL(apiUrl).origin;
  addContentSecuritySources(res, {
    'script-src': [scriptOrigin],
    'connect-src': [scriptOrigin, apiOrigin],
    'frame-src': [scriptOrigin],
  });
}

/**
 * On a click (pop-up blockers allow authorize() only there): configure MusicKit with a developer token from our own
 * origin, authorize (Apple's or the stand-in's consent pop-up), post the Music-User-Token to dropday, then go to the
 * thank-you page. MusicKit may load before or after this script: both orders are handled.
 */
export const appleMusicPresaveScript = `(function () {
  var button = document.getElementById('apple-music-presave');
  var status = document.getElementById('apple-music-status');
  if (!button) return;
  var configured = null;
  function say(text) { status.textContent = text; }
  function text(name) { return button.getAttribute('data-' + name) || ''; }
  function ready() {
    if (configured || !window.MusicKit) return;
    configured = fetch('/apple-music/developer-token', { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('no developer token'); return r.json(); })
      .then(function (t) { return MusicKit.configure({ developerToken: t.developerToken, app: { name: 'dropday', build: '1' } }); })
      .then(function () { button.disabled = false; return MusicKit.getInstance(); });
    configured.catch(function () { say(text('unavailable')); });
  }
  document.addEventListener('musickitloaded', ready);
  ready();
  button.addEventListener('click', function () {
    if (!configured) return;
    var music = MusicKit.getInstance();
    var zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { zone = ''; }
    button.disabled = true;
    say(text('waiting'));
    music.authorize()
      .then(function (token) {
        var body = { musicUserToken: token || music.musicUserToken };
        if (zone) body.timeZone = zone;
        var forever = document.getElementById('forever-save');
        if (forever && forever.checked) body.foreverSave = true;
        return fetch(button.getAttribute('data-presave-url'), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      })
      .then(function (r) {
        return r.json().then(function (answer) {
          if (!r.ok) throw new Error((answer.error && answer.error.message) || text('failed'));
          var thanks = button.getAttribute('data-thanks-url');
          location.assign(thanks + (thanks.indexOf('?') < 0 ? '?' : '&') + 'platform=apple_music');
        });
      })
      .catch(function (error) {
        button.disabled = false;
        say(/AUTHORIZATION_ERROR/.test(String(error && error.message)) ? text('declined') : text('failed'));
      });
  });
})();
`;
