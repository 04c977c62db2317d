// The sandbox stand-in for MusicKit on the Web (docs/providers/apple-music.md "MusicKit on the Web"): the same
// `MusicKit` global (configure → instance, getInstance, authorize → Music-User-Token, musicUserToken, storefrontId,
// unauthorize, api.music) and `musickitloaded` event, so the smart link's code runs unchanged against Apple and here.
// authorize() opens this simulator's own consent page (fan and storefront pickers, Allow / Deny) in a pop-up, which
// hands the token back to the opener's origin only.
import express, { type Request, type Router } from 'express';
import { baseUrlOf, bodyField, queryParam } from '../spotify/http-util';
import { APPLE_ERRORS, sendAppleError } from './errors';
import type { AppleMusicSimState } from './state';

export const MUSICKIT_SCRIPT_PATH = '/musickit/v3/musickit.js';
const STOREFRONTS = ['us', 'gb', 'fr', 'de', 'jp', 'br', 'es', 'mx'];

function script(origin: string): string {
  return `(function () {
  var ORIGIN = ${JSON.stringify(origin)};
  var instance;
  function fail(message) { var e = new Error(message); e.errorCode = message.split(':')[0]; return e; }
  function checkDeveloperToken(token) {
    return fetch(ORIGIN + '/musickit/v3/developer-token', { headers: { authorization: 'Bearer ' + token } })
      .then(function (r) { if (!r.ok) throw fail('CONFIGURATION_ERROR: UNABLE TO VERIFY JWT'); });
  }
  function Instance(opts) {
    var self = this;
    this.developerToken = opts.developerToken;
    this.appName = (opts.app && opts.app.name) || 'an app';
    this.musicUserToken = '';
    this.isAuthorized = false;
    this.storefrontId = opts.storefrontId || 'us';
    this.storefrontCountryCode = this.storefrontId;
    this.api = {
      music: function (path, params) {
        var url = new URL(ORIGIN + '/' + String(path).replace(/^\\//, ''));
        Object.keys(params || {}).forEach(function (k) { url.searchParams.set(k, params[k]); });
        var headers = { authorization: 'Bearer ' + self.developerToken };
        if (self.musicUserToken) headers['music-user-token'] = self.musicUserToken;
        return fetch(url, { headers: headers }).then(function (r) {
          return r.json().then(function (data) { if (!r.ok) throw Object.assign(fail('API_ERROR: ' + r.status), { data: data }); return { data: data }; });
        });
      },
    };
  }
  Instance.prototype.authorize = function () {
    var self = this;
    if (self.isAuthorized) return Promise.resolve(self.musicUserToken);
    return new Promise(function (resolve, reject) {
      var a = btoa(JSON.stringify({ thirdPartyName: self.appName, thirdPartyToken: self.developerToken }));
      var url = ORIGIN + '/musickit/authorize?a=' + encodeURIComponent(a) + '&referrer=' + encodeURIComponent(location.href);
      var popup = window.open(url, 'musickit-authorize', 'width=480,height=640');
      if (!popup) return reject(fail('AUTHORIZATION_ERROR: the sign-in window was blocked'));
      var settled = false;
      function onMessage(event) {
        if (event.origin !== ORIGIN || !event.data || event.data.source !== 'musickit-sim') return;
        settled = true;
        window.removeEventListener('message', onMessage);
        if (!event.data.musicUserToken) return reject(fail('AUTHORIZATION_ERROR: Unauthorized'));
        self.musicUserToken = event.data.musicUserToken;
        self.isAuthorized = true;
        self.storefrontId = event.data.storefront;
        self.storefrontCountryCode = event.data.storefront;
        resolve(self.musicUserToken);
      }
      window.addEventListener('message', onMessage);
      var timer = setInterval(function () {
        if (!popup.closed) return;
        clearInterval(timer);
        setTimeout(function () { if (!settled) { window.removeEventListener('message', onMessage); reject(fail('AUTHORIZATION_ERROR: Unauthorized')); } }, 500);
      }, 250);
    });
  };
  Instance.prototype.unauthorize = function () {
    this.musicUserToken = '';
    this.isAuthorized = false;
    return Promise.resolve();
  };
  window.MusicKit = {
    version: '3-dropday-simulator',
    configure: function (opts) {
      return checkDeveloperToken(opts && opts.developerToken).then(function () { instance = new Instance(opts); return instance; });
    },
    getInstance: function () { return instance; },
  };
  document.dispatchEvent(new Event('musickitloaded'));
})();
`;
}

interface AuthorizeRequest {
  appName: string;
  developerToken: string;
  /** the page that asked: the token goes back to this origin only */
  referrerOrigin: string;
}

function parseAuthorize(a: string, referrer: string): AuthorizeRequest | null {
  try {
    const decoded = JSON.parse(Buffer.from(a, 'base64').toString('utf8')) as Record<string, unknown>;
    const origin = new URL(referrer).origin;
    if (typeof decoded.thirdPartyToken !== 'string' || origin === 'null') return null;
    return {
      appName: typeof decoded.thirdPartyName === 'string' ? decoded.thirdPartyName : 'an app',
      developerToken: decoded.thirdPartyToken,
      referrerOrigin: origin,
    };
  } catch {
    return null;
  }
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const doc = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0}button{padding:.6rem 1.2rem;margin-right:.5rem;border-radius:2rem;border:0;font-weight:600}
#allow{background:#fa2d48;color:#fff}</style></head><body>${body}</body></html>`;

const unableToVerify = () => doc('UNABLE TO VERIFY JWT', '<h1>UNABLE TO VERIFY JWT</h1>');

function consentPage(state: AppleMusicSimState, req: Request, a: string, referrer: string, appName: string) {
  const fans = [...state.fans.values()]
    .map((f) => `<option value="${escapeHtml(f.id)}">${escapeHtml(f.name)}</option>`)
    .join('');
  const storefronts = STOREFRONTS.map((s) => `<option value="${s}">${s}</option>`).join('');
  const app = escapeHtml(appName);
  return doc(
    'Apple Music — sign in (simulator)',
    `<h1>Allow ${app} to access Apple Music?</h1>
<p>Apple Music simulator (sandbox). ${app} will be able to add music to your library.</p>
<form method="post" action="${escapeHtml(baseUrlOf(req))}/musickit/authorize">
<input type="hidden" name="a" value="${escapeHtml(a)}"><input type="hidden" name="referrer" value="${escapeHtml(referrer)}">
<label>Listener <select name="fan"><option value="">A new listener</option>${fans}</select></label>
<label>Storefront <select name="storefront">${storefronts}</select></label>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Don't Allow</button>
</form>`,
  );
}

function handBack(origin: string, message: Record<string, unknown>): string {
  const payload = JSON.stringify({ source: 'musickit-sim', ...message }).replace(/</g, '\\u003c');
  return `<!doctype html><meta charset="utf-8"><title>Apple Music</title><p>You can close this window.</p>
<script>window.opener && window.opener.postMessage(${payload}, ${JSON.stringify(origin).replace(/</g, '\\u003c')}); window.close();</script>`;
}

export function musicKitRouter(state: AppleMusicSimState): Router {
  const router = express.Router();
  router.get(MUSICKIT_SCRIPT_PATH, (req, res) => {
    res
      .type('application/javascript')
      .set('Cache-Control', 'no-cache')
      .send(script(baseUrlOf(req)));
  });
  router.get('/musickit/v3/developer-token', (req, res) => {
    const check = state.keys.check(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1], state.now());
    if (!check.ok) return sendAppleError(res, APPLE_ERRORS.developerToken, `UNABLE TO VERIFY JWT: ${check.why}`);
    res.json({ ok: true });
  });
  router.get('/musickit/authorize', (req, res) => {
    const a = queryParam(req, 'a') ?? '';
    const referrer = queryParam(req, 'referrer') ?? '';
    const request = parseAuthorize(a, referrer);
    const check = request && state.keys.check(request.developerToken, state.now());
    if (!request || !check?.ok) {
      return res.status(401).type('html').send(unableToVerify());
    }
    res.type('html').send(consentPage(state, req, a, referrer, request.appName));
  });
  router.post('/musickit/authorize', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const request = parseAuthorize(bodyField(req, 'a'), bodyField(req, 'referrer'));
    const check = request && state.keys.check(request.developerToken, state.now());
    if (!request || !check?.ok) {
      return res.status(401).type('html').send(unableToVerify());
    }
    if (bodyField(req, 'decision') !== 'allow') return res.type('html').send(handBack(request.referrerOrigin, {}));
    const storefront = STOREFRONTS.includes(bodyField(req, 'storefront')) ? bodyField(req, 'storefront') : 'us';
    const fanId = bodyField(req, 'fan') || state.upsertFan({ storefront }).id;
    const musicUserToken = state.issueUserToken(check.teamId, fanId, storefront);
    res.type('html').send(handBack(request.referrerOrigin, { musicUserToken, storefront }));
  });
  return router;
}
