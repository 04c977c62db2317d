// The dashboard's script and style, served from our origin (the CSP allows scripts from 'self' only). The script
// reads the /v1 API with the session cookie and draws the charts as SVG itself: no framework, no chart library.

export const dashboardScript = String.raw`(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var TYPE_COLOURS = { PAGE_VIEW: '#8ab4f8', CLICK: '#4e79a7', AUTH: '#f28e2b', SAVE_TRACK: '#59a14f', FOLLOW_ARTIST: '#76b7b2', STREAM: '#e15759', EMAIL_SIGNUP: '#b07aa1' };
  var REFRESH_MS = 5000;
  var current = null;
  var timer = null;

  function $(id) { return document.getElementById(id); }
  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function svg(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(value) { return value === null || value === undefined || value === '' ? '—' : String(value); }
  function when(iso) { return iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—'; }

  function api(path) {
    return fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (res) {
      if (res.status === 401) { window.location.assign('/app'); throw new Error('signed out'); }
      if (!res.ok) return res.json().then(function (body) { throw new Error(body && body.error ? body.error.message : 'HTTP ' + res.status); });
      return res.json();
    });
  }

  function fillRows(tbody, rows) {
    clear(tbody);
    rows.forEach(function (cells) {
      var tr = el('tr');
      cells.forEach(function (c) { tr.appendChild(el('td', {}, show(c))); });
      tbody.appendChild(tr);
    });
  }

  function loadCampaigns() {
    return api('/v1/campaigns').then(function (body) {
      var list = $('campaign-list');
      clear(list);
      if (!body.items.length) list.appendChild(el('li', { class: 'muted' }, 'No campaigns yet.'));
      body.items.forEach(function (c) {
        var li = el('li');
        var a = el('a', { href: '#/campaigns/' + c.id, 'data-campaign': c.id }, c.title);
        li.appendChild(a);
        li.appendChild(el('span', { class: 'muted' }, ' ' + c.releaseDate + ' · ' + c.status));
        list.appendChild(li);
      });
    });
  }

  function renderProgress(c) {
    var p = c.progress;
    $('progress-done').textContent = p.done;
    $('progress-pending').textContent = p.pending;
    $('progress-failed').textContent = p.failed;
    $('progress-revoked').textContent = p.revoked;
    $('progress-total').textContent = p.total;
    $('progress-fill').setAttribute('width', String(p.total ? (100 * p.done) / p.total : 0));
    $('next-wave').textContent = when(c.nextWaveAt);
    $('progress-updated').textContent = new Date().toISOString().slice(11, 19) + ' UTC';
    $('campaign-meta').textContent = 'Release ' + when(c.releaseAt) + ' · ' + c.releasePolicy + ' · ' + c.status + ' · ' + c.landingUrl;
  }

  function renderFunnel(f) {
    var stages = [
      ['views', 'Views', f.views], ['clicks', 'Clicks', f.clicks], ['authorisations', 'Authorisations', f.authorisations],
      ['delivered', 'Delivered', f.delivered], ['streamed7d', 'Streamed ≤ 7 days', f.streamed7d], ['streamed28d', 'Streamed ≤ 28 days', f.streamed28d],
    ];
    var chart = $('funnel-chart');
    clear(chart);
    var width = 640, row = 34, labelWidth = 170, barWidth = width - labelWidth - 110;
    var max = Math.max.apply(null, stages.map(function (s) { return s[2]; }).concat([1]));
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + stages.length * row);
    stages.forEach(function (s, i) {
      var g = svg('g', { class: 'stage', 'data-stage': s[0], transform: 'translate(0,' + i * row + ')' });
      g.appendChild(svg('text', { class: 'label', x: 0, y: 21 }, s[1]));
      g.appendChild(svg('rect', { class: 'bar funnel-bar', x: labelWidth, y: 6, height: 22, width: (barWidth * s[2]) / max, 'data-value': s[2] }));
      g.appendChild(svg('text', { class: 'count', x: labelWidth + (barWidth * s[2]) / max + 8, y: 21 }, s[2]));
      if (i > 0) {
        // Each stage as a share of the one it follows from; both stream windows follow from delivery.
        var previous = stages[i >= 4 ? 3 : i - 1][2];
        g.appendChild(svg('text', { class: 'rate', x: width, y: 21, 'text-anchor': 'end' }, previous ? Math.round((100 * s[2]) / previous) + '%' : '–'));
      }
      chart.appendChild(g);
    });
  }

  function renderSeries(series) {
    var chart = $('series-chart');
    clear(chart);
    var width = 640, height = 220, top = 16, bottom = 24, left = 36;
    var plot = height - top - bottom;
    var buckets = series.buckets;
    var max = Math.max.apply(null, buckets.map(function (b) { return b.total; }).concat([1]));
    var step = (width - left) / Math.max(buckets.length, 1);
    chart.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    chart.appendChild(svg('line', { class: 'axis', x1: left, x2: width, y1: top + plot, y2: top + plot }));
    chart.appendChild(svg('text', { class: 'tick', x: left - 6, y: top + 4, 'text-anchor': 'end' }, max));
    chart.appendChild(svg('text', { class: 'tick', x: left - 6, y: top + plot, 'text-anchor': 'end' }, 0));
    buckets.forEach(function (b, i) {
      var y = top + plot;
      series.types.forEach(function (type) {
        var n = b.counts[type];
        if (!n) return;
        var h = (plot * n) / max;
        y -= h;
        var rect = svg('rect', { class: 'bar series-bar', x: left + i * step + step * 0.1, y: y, width: Math.max(step * 0.8, 1), height: h, fill: TYPE_COLOURS[type], 'data-type': type, 'data-count': n, 'data-start': b.start });
        rect.appendChild(svg('title', {}, b.start + ' ' + type + ': ' + n));
        chart.appendChild(rect);
      });
    });
    if (buckets.length) {
      chart.appendChild(svg('text', { class: 'tick', x: left, y: height - 6 }, buckets[0].start.slice(0, series.bucket === 'day' ? 10 : 13)));
      chart.appendChild(svg('text', { class: 'tick', x: width, y: height - 6, 'text-anchor': 'end' }, buckets[buckets.length - 1].start.slice(0, series.bucket === 'day' ? 10 : 13)));
    }
    var legend = $('series-legend');
    clear(legend);
    series.types.forEach(function (type) {
      var li = el('li');
      var swatch = svg('svg', { width: 10, height: 10, class: 'swatch' });
      swatch.appendChild(svg('rect', { width: 10, height: 10, fill: TYPE_COLOURS[type] }));
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(' ' + type));
      legend.appendChild(li);
    });
  }

  function renderAnalytics(a) {
    renderFunnel(a.funnel);
    renderSeries(a.series);
    fillRows($('sources-table').tBodies[0], a.sources.map(function (s) {
      return [s.channel, s.source, s.medium, s.views, s.clicks, s.authorisations, s.emailSignups, s.value];
    }));
    $('value-total').textContent = a.value.total;
    fillRows($('value-table').tBodies[0], a.value.byType.map(function (t) { return [t.type, t.count, t.points, t.value]; }));
    fillRows($('zones-table').tBodies[0], a.delivery.byZone.map(function (z) { return [z.zone || 'unknown', z.done, z.pending, z.failed, z.total]; }));
    var platformNames = { spotify: 'Spotify', apple_music: 'Apple Music' };
    fillRows($('platforms-table').tBodies[0], a.delivery.byPlatform.map(function (p) { return [platformNames[p.platform] || p.platform, p.done, p.pending, p.revoked, p.failed, p.total]; }));
    $('flags-summary').textContent = a.flags.excludedEvents
      ? a.flags.excludedEvents + ' events are excluded from the totals above.'
      : 'No event is flagged.';
    fillRows($('flags-table').tBodies[0], a.flags.items.map(function (f) {
      return [when(f.at), f.type, f.reasons.map(function (r) { return r.detail; }).join('; ')];
    }));
  }

  function refreshProgress(id) {
    return api('/v1/campaigns/' + id).then(function (c) { if (current === id) renderProgress(c); });
  }

  function refreshAnalytics(id) {
    return api('/v1/campaigns/' + id + '/analytics?bucket=' + encodeURIComponent($('bucket').value)).then(function (a) {
      if (current === id) renderAnalytics(a);
    });
  }

  function showCampaign(id) {
    current = id;
    if (timer) clearInterval(timer);
    $('pick').hidden = true;
    $('campaign').hidden = false;
    api('/v1/campaigns/' + id).then(function (c) {
      $('campaign-title').textContent = c.title;
      $('campaign-page').href = '/app/campaigns/' + c.id;
      renderProgress(c);
      return refreshAnalytics(id);
    }).then(function () {
      document.body.setAttribute('data-loaded', id);
    }).catch(function (error) { $('campaign-meta').textContent = 'Could not load: ' + error.message; });
    // Release-day delivery moves fast: poll the campaign's progress while it is on screen; the analytics (heavier)
    // every sixth time.
    var ticks = 0;
    timer = setInterval(function () {
      ticks += 1;
      refreshProgress(id).catch(function () {});
      if (ticks % 6 === 0) refreshAnalytics(id).catch(function () {});
    }, REFRESH_MS);
  }

  function route() {
    var match = /^#\/campaigns\/([0-9a-f-]{36})$/.exec(window.location.hash);
    if (match) showCampaign(match[1]);
  }

  $('bucket').addEventListener('change', function () { if (current) refreshAnalytics(current).catch(function () {}); });
  window.addEventListener('hashchange', route);
  loadCampaigns().then(route).catch(function (error) { $('campaign-list').textContent = 'Could not load campaigns: ' + error.message; });
})();
`;

export const dashboardStyle = `*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f7f7f5;color:#1d1d1f}
.muted{color:#6b6b70}.error{color:#b3261e}
.signin{max-width:380px;margin:12vh auto;padding:32px;background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.signin form{display:grid;gap:8px}.signin input{padding:10px;border:1px solid #ccc;border-radius:6px}
button{padding:8px 16px;border-radius:6px;border:0;background:#1d1d1f;color:#fff;font-weight:600;cursor:pointer}
.topbar{display:flex;justify-content:space-between;align-items:center;padding:10px 20px;background:#fff;border-bottom:1px solid #e4e4e0}
.topbar form{margin:0}.layout{display:grid;grid-template-columns:240px 1fr;gap:20px;padding:20px}
nav ul{list-style:none;padding:0;margin:0}nav li{padding:6px 0;border-bottom:1px solid #ececea}nav a{color:#1d1d1f;font-weight:600}
nav span{display:block;font-size:.8rem}main h1{margin:0 0 4px}
.panel{background:#fff;border-radius:10px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.panel h2{font-size:1rem;margin:0 0 12px}.panel.two{display:grid;grid-template-columns:1fr 1fr;gap:24px}
#progress-bar{width:100%;height:12px}.track{fill:#e6e6e2}.fill{fill:#1db954}
.stats{display:flex;gap:28px;margin:12px 0}.stats dt{font-size:.8rem;color:#6b6b70}.stats dd{margin:0;font-size:1.4rem;font-weight:700}
#funnel-chart,#series-chart{width:100%;max-width:640px;height:auto;display:block}
.funnel-bar{fill:#4e79a7}.label,.count,.rate,.tick{font-size:13px;fill:#1d1d1f}.rate,.tick{fill:#6b6b70}.axis{stroke:#999}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:12px;padding:0;font-size:.8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #ececea}
@media (max-width:800px){.layout{grid-template-columns:1fr}.panel.two{grid-template-columns:1fr}}`;
