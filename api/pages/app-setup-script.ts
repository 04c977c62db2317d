// /app/setup.js: the small enhancement of the app's pages. Forms marked data-api send their fields (or data-body) as
// JSON to that /v1 route with the session's X-CSRF-Token (the form's csrf field) and go on to data-next (empty: this
// page again), the answer's data-next-from link (Stripe, a connect), or show data-done; the UPC/ISRC lookup shows
// the release before saving; the artwork upload sends the file itself; the preview follows the fields; the countdown
// ticks and delivery refreshes every 5 s.
export const setupScript = `'use strict';
(function () {
  function $(id) { return document.getElementById(id); }
  function csrfOf(form) { var f = form.querySelector('input[name=csrf]'); return f ? f.value : ''; }
  function showError(form, text) {
    var p = form.querySelector('[data-error]');
    if (!p) return;
    p.textContent = text; p.hidden = false; p.setAttribute('tabindex', '-1'); p.focus();
  }
  function bodyOf(form) {
    if (form.dataset.body) return JSON.parse(form.dataset.body);
    var body = {};
    new FormData(form).forEach(function (value, key) {
      if (key === 'csrf' || key === 'confirm' || value === '') return;
      var field = form.elements[key];
      var type = field && field.dataset ? field.dataset.type : '';
      body[key] = key === 'followArtist' ? value === 'true' : type === 'number' ? Number(value) : value;
    });
    form.querySelectorAll('input[type=checkbox][data-type=boolean]').forEach(function (box) { body[box.name] = box.checked; });
    if (form.querySelector('input[name=followArtist]') && !('followArtist' in body)) body.followArtist = false;
    return body;
  }
  /** After a signal (202), waits until the workflow has recorded the decision, then shows the page again. */
  function untilDecided(form) {
    var tries = 0;
    (function poll() {
      fetch(form.dataset.poll).then(function (res) { return res.ok ? res.json() : null; }).then(function (list) {
        var item = list && list.items.filter(function (i) { return i.id === form.dataset.pollRequest; })[0];
        if ((item && item.status !== 'awaiting_approval') || ++tries > 20) location.reload();
        else setTimeout(poll, 500);
      });
    })();
  }
  function done(form, answer) {
    if (form.dataset.nextFrom) return location.assign(answer[form.dataset.nextFrom]);
    if (form.dataset.done) {
      var main = document.querySelector('main');
      main.textContent = '';
      var p = document.createElement('p'); p.className = 'notice'; p.setAttribute('role', 'status'); p.id = 'done';
      p.textContent = form.dataset.done;
      var a = document.createElement('a'); a.href = '/app'; a.textContent = 'Go to dropday';
      main.appendChild(p); main.appendChild(a);
      return;
    }
    if (form.dataset.poll) return untilDecided(form);
    if (form.dataset.next === '') return location.reload();
    location.assign(form.dataset.next.replace('{id}', answer.id || ''));
  }
  function describe(answer) {
    var e = answer && answer.error;
    if (!e) return 'Something went wrong. Nothing was changed.';
    var details = (Array.isArray(e.details) ? e.details : []).map(function (d) {
      var where = d.field || (d.path || []).join('.');
      return (where ? where + ': ' : '') + d.message;
    }).join('; ');
    return e.message + (details ? ' (' + details + ')' : '');
  }
  document.querySelectorAll('form[data-api]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      fetch(form.dataset.api, {
        method: form.dataset.method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfOf(form) },
        body: JSON.stringify(bodyOf(form)),
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (answer) {
          if (!res.ok) throw answer;
          done(form, answer);
        });
      }).catch(function (answer) {
        showError(form, describe(answer));
        if (button) button.disabled = false;
      });
    });
  });

  // Artwork upload: the chosen file itself is the body (image/png or image/jpeg), as PUT /v1/campaigns/:id/artwork takes it.
  var artworkForm = $('artwork-form');
  if (artworkForm) {
    artworkForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var file = $('artwork-file').files[0];
      if (!file) { showError(artworkForm, 'Choose a PNG or JPEG file first.'); return; }
      var button = artworkForm.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      fetch(artworkForm.dataset.upload, {
        method: 'PUT',
        headers: { 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrfOf(artworkForm) },
        body: file,
      }).then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (answer) {
          if (!res.ok) throw answer;
          location.assign(artworkForm.dataset.next);
        });
      }).catch(function (answer) {
        showError(artworkForm, describe(answer));
        if (button) button.disabled = false;
      });
    });
  }

  var zone = $('timeZone');
  if (zone && zone.value === 'UTC' && window.Intl) zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  function preview() {
    if (!$('preview')) return;
    var title = $('title').value.trim();
    $('preview-title').textContent = title || 'Your release';
    var artist = $('artistId');
    $('preview-artist').textContent = artist.options[artist.selectedIndex].text;
    var date = $('releaseDate').value;
    var policy = document.querySelector('input[name=releasePolicy]:checked');
    $('preview-when').textContent = date
      ? 'Out ' + date + ' ' + $('releaseTime').value + (policy && policy.value === 'local' ? ', at midnight where you live' : ' (' + zone.value + ')')
      : 'Out soon';
  }
  var form = $('campaign-form');
  if (form) {
    form.addEventListener('input', preview);
    form.addEventListener('change', preview);
    preview();
    $('lookup').addEventListener('click', function () {
      var upc = $('upc').value.trim(), isrc = $('isrc').value.trim();
      var out = $('lookup-result');
      if (!upc && !isrc) { out.textContent = 'Give a UPC or an ISRC first.'; return; }
      out.textContent = 'Looking it up…';
      fetch('/v1/releases/lookup?' + (upc ? 'upc=' + encodeURIComponent(upc) : 'isrc=' + encodeURIComponent(isrc)))
        .then(function (res) { return res.json().then(function (a) { if (!res.ok) throw a; return a; }); })
        .then(function (answer) {
          out.textContent = '';
          if (!answer.found) {
            out.textContent = 'The catalogue does not show this release yet. That is normal before release day: you can still create the campaign, and we keep looking.';
            return;
          }
          var r = answer.release;
          var card = document.createElement('div'); card.className = 'found';
          if (r.artworkSrc) {
            var img = document.createElement('img'); img.src = r.artworkSrc; img.alt = 'Cover of ' + r.title; img.width = 96; img.height = 96;
            card.appendChild(img);
            var art = $('preview-art'); art.textContent = ''; art.appendChild(img.cloneNode());
          }
          var text = document.createElement('p');
          text.textContent = 'Found: ' + r.title + ' · ' + r.trackCount + (r.trackCount === 1 ? ' track' : ' tracks') + (r.releaseDate ? ' · out ' + r.releaseDate : '');
          card.appendChild(text); out.appendChild(card);
          if (!$('title').value) $('title').value = r.title;
          if (!$('releaseDate').value && r.releaseDate && /^\\d{4}-\\d{2}-\\d{2}$/.test(r.releaseDate)) $('releaseDate').value = r.releaseDate;
          preview();
        })
        .catch(function (answer) { out.textContent = describe(answer); });
    });
  }

  // A page showing work in progress (copy being written, an ad being created) shows itself again shortly.
  var reload = document.querySelector('[data-reload-after]');
  if (reload) setTimeout(function () { location.reload(); }, Number(reload.dataset.reloadAfter) * 1000);

  var countdown = $('countdown');
  function tick() {
    var ms = Date.parse(countdown.dataset.releaseAt) - Date.now();
    if (ms <= 0) { countdown.textContent = 'released'; return; }
    var m = Math.floor(ms / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60);
    countdown.textContent = 'in ' + (d ? d + ' d ' : '') + (d || h ? h + ' h ' : '') + (m % 60) + ' min' + (d || h ? '' : ' ' + Math.floor((ms % 60000) / 1000) + ' s');
  }
  if (countdown) { tick(); setInterval(tick, 1000); }

  // The phase is the server's (api/campaign-phase.ts): the page shows itself again when the refreshed view says it
  // moved on (delivery finished, the release went live, a cancel), or once the instant it was waiting for passed.
  var delivery = $('delivery');
  if (delivery) {
    var phase = delivery.dataset.phase, until = Number(delivery.dataset.phaseUntil || 0), loadedAt = Date.now();
    setInterval(function () {
      fetch('/v1/campaigns/' + delivery.dataset.campaign).then(function (res) { return res.ok ? res.json() : null; }).then(function (c) {
        if (!c) return;
        var moved = (phase === 'delivering' && c.progress.pending === 0) ||
          (phase === 'waiting_for_live' && c.resolution === 'live') ||
          (phase !== 'cancelled' && c.status === 'cancelled') ||
          (until > loadedAt && Date.now() > until + 2000);
        if (moved) { location.reload(); return; }
        $('d-total').textContent = c.progress.total; $('d-pending').textContent = c.progress.pending;
        $('d-done').textContent = c.progress.done; $('d-failed').textContent = c.progress.failed;
        $('d-revoked').textContent = c.progress.revoked;
        $('d-next').textContent = c.nextWaveAt ? c.nextWaveAt.slice(0, 16).replace('T', ' ') + ' UTC' : '–';
      });
    }, 5000);
  }
})();
`;
