// The pages' only script and style, served from our origin so the Content-Security-Policy can stay strict.
import { Router } from 'express';

// Carries the fan's time zone (from the browser) to the pre-save link, so a local release lands at their midnight,
// and the forever-save box when ticked (docs/forever-save.md).
const script = `(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = ''; }
  var forever = document.getElementById('forever-save');
  function links() {
    document.querySelectorAll('a[data-presave]').forEach(function (a) {
      var href = a.getAttribute('data-presave');
      if (zone) href += (href.indexOf('?') < 0 ? '?' : '&') + 'tz=' + encodeURIComponent(zone);
      if (forever && forever.checked) href += (href.indexOf('?') < 0 ? '?' : '&') + 'forever=1';
      a.href = href;
    });
  }
  links();
  if (forever) forever.addEventListener('change', links);
  var zoneLabel = document.getElementById('fan-zone');
  if (zoneLabel && zone) zoneLabel.textContent = zone;
  // Instants (a global release, a pre-save's delivery) in the browser's own zone and the page's language.
  var lang = document.documentElement.lang || 'en';
  document.querySelectorAll('time[data-instant]').forEach(function (t) {
    try {
      var when = new Date(t.getAttribute('datetime'));
      var text = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' }).format(when);
      var name = new Intl.DateTimeFormat(lang, { timeZoneName: 'short' }).formatToParts(when)
        .filter(function (p) { return p.type === 'timeZoneName'; })[0];
      t.textContent = text + (name ? ' (' + name.value + ')' : '');
    } catch (e) { /* the server's rendering stays */ }
  });
  // A language the fan chose and remembered (cookie dd_lang, set only with their consent to cookies): a page a
  // shared cache answered by Accept-Language alone is fetched again in it.
  var chosen = (document.cookie.split('; ').filter(function (c) { return c.indexOf('dd_lang=') === 0; })[0] || '').slice(8);
  if (/^[a-z]{2}$/.test(chosen) && chosen !== lang && !/[?&]lang=/.test(location.search)) {
    location.replace(location.pathname + location.search + (location.search ? '&' : '?') + 'lang=' + chosen + location.hash);
  }
})();
`;

const style = `body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#111;color:#f5f5f5;
display:flex;min-height:100vh;align-items:center;justify-content:center}
.card{max-width:420px;width:100%;padding:32px;text-align:center}
.art{width:260px;height:260px;object-fit:cover;border-radius:8px;background:#222}
.art.placeholder{display:inline-flex;align-items:center;justify-content:center;font-size:64px;color:#555}
h1{font-size:1.6rem;margin:20px 0 4px}.artist{color:#bbb;margin:0 0 24px}
.button{display:inline-block;padding:14px 28px;border-radius:999px;background:#1ed760;color:#000;font-weight:700;text-decoration:none}
.note{color:#999;font-size:.9rem;margin-top:20px}.error h1{color:#ff8a80}.note a{color:#bbb}
.subscribe{margin-top:28px;text-align:left;display:grid;gap:8px}.subscribe input[type=email],.subscribe input[type=tel]{padding:10px;border-radius:6px;border:1px solid #444;background:#1b1b1b;color:#f5f5f5}
.ad-consent{margin-top:24px;font-size:.8rem;color:#aaa}.ad-consent button{padding:6px 12px;border-radius:6px;border:0;margin:0 4px}
.languages{margin-top:28px;display:flex;flex-wrap:wrap;gap:6px 14px;justify-content:center;font-size:.85rem}
.languages a{color:#bbb}.languages a[aria-current]{color:#f5f5f5;font-weight:700;text-decoration:none}
.subscribe label{font-size:.8rem;color:#aaa}.subscribe button{padding:10px;border-radius:6px;border:0;background:#eee;font-weight:600}`;

export function staticRoutes(): Router {
  const router = Router();
  router.get('/static/smart-link.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=3600').send(script);
  });
  router.get('/static/smart-link.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(style);
  });
  return router;
}
