// The release pages of the artist app: artists, the guided new-campaign flow (look the UPC/ISRC up, see the
// release, then when and how it releases, with a live preview of the smart link), and a campaign's own page
// (countdown, resolution and alerts, delivery, per-fan states, reschedule and cancel with what happens to the fans).
// Changes go to /v1 from /app/setup.js with the session's X-CSRF-Token; the forms here carry it as their csrf field.
import { type Artist } from '../../db/artists';
import { ARTWORK_MAX_SIDE, ARTWORK_MIN_SIDE } from '../artwork';
import { artworkSrc } from './artwork-src';
import { type Campaign } from '../../db/campaigns';
import { deliveryPanel, type DeliveryView, PHASE_WORDS } from './app-campaign-delivery';
import { csrfField, flash, signedInPage } from './app-layout';
import { html, type Html } from './layout';

const SCRIPT = '/app/setup.js';

export function artistsPage(input: { csrf: string; artists: readonly Artist[]; canChange: boolean }) {
  return signedInPage({
    title: 'artists',
    section: 'artists',
    csrf: input.csrf,
    script: SCRIPT,
    body: html`<h1>Artists</h1>
<ul class="plain" id="artist-list">${input.artists.map((a) => html`<li>${a.name}${a.spotifyArtistId ? html` <span class="muted">· Spotify ${a.spotifyArtistId}</span>` : ''}</li>`)}</ul>
${input.artists.length === 0 ? html`<p class="muted">No artist yet: add the first one.</p>` : ''}
${
  input.canChange
    ? html`<form id="artist-form" data-api="/v1/artists" data-method="POST" data-next="/app/campaigns/new">${csrfField(input.csrf)}
<h2>Add an artist</h2>
<p class="error" role="alert" data-error hidden></p>
<label for="artist-name">Name</label><input id="artist-name" name="name" required maxlength="200">
<label for="artist-spotify">Spotify artist id <span class="muted">(optional: lets fans follow them)</span></label>
<input id="artist-spotify" name="spotifyArtistId" maxlength="64" pattern="[A-Za-z0-9]{22}" aria-describedby="artist-spotify-hint">
<p id="artist-spotify-hint" class="muted">22 letters and digits, from the artist's Spotify link.</p>
<button type="submit">Add artist</button></form>`
    : html`<p class="muted">You are a viewer: you can see the artists, not add them.</p>`
}`,
  });
}

export function newCampaignPage(input: { csrf: string; artists: readonly Artist[]; publicUrl: string }) {
  if (input.artists.length === 0)
    return signedInPage({
      title: 'new campaign',
      section: 'new-campaign',
      csrf: input.csrf,
      body: html`<h1>New campaign</h1><p>First <a href="/app/artists">add the artist</a> the release is by.</p>`,
    });
  return signedInPage({
    title: 'new campaign',
    section: 'new-campaign',
    csrf: input.csrf,
    script: SCRIPT,
    body: html`<h1>New campaign</h1>
<div class="setup">
<form id="campaign-form" data-api="/v1/campaigns" data-method="POST" data-next="/app/campaigns/{id}">${csrfField(input.csrf)}
<p class="error" role="alert" data-error hidden></p>
<fieldset><legend>1. The release</legend>
<label for="artistId">Artist</label>
<select id="artistId" name="artistId">${input.artists.map((a) => html`<option value="${a.id}">${a.name}</option>`)}</select>
<label for="upc">UPC or EAN <span class="muted">(an album or EP), or leave empty and give the ISRC</span></label>
<input id="upc" name="upc" inputmode="numeric" maxlength="20">
<label for="isrc">ISRC <span class="muted">(a single track)</span></label>
<input id="isrc" name="isrc" maxlength="15">
<button type="button" class="secondary" id="lookup">Look it up</button>
<div id="lookup-result" role="status" aria-live="polite"></div>
<label for="title">Title fans will see</label>
<input id="title" name="title" required maxlength="200">
</fieldset>
<fieldset><legend>2. When it releases</legend>
<label for="releaseDate">Release date</label><input id="releaseDate" name="releaseDate" type="date" required>
<label for="releaseTime">Time</label><input id="releaseTime" name="releaseTime" type="time" step="1" value="00:00" required>
<label for="timeZone">Time zone</label><input id="timeZone" name="timeZone" value="UTC" required maxlength="64" aria-describedby="zone-hint">
<p id="zone-hint" class="muted">An IANA zone such as Europe/Berlin or America/New_York.</p>
<div role="radiogroup" aria-labelledby="policy-label">
<p id="policy-label"><strong>How fans get it</strong></p>
<label class="choice"><input type="radio" name="releasePolicy" value="local" checked> <span><strong>At midnight where each fan lives</strong> (like the stores): a fan in Tokyo gets it hours before a fan in New York. The time zone above is used for fans whose zone we do not know.</span></label>
<label class="choice"><input type="radio" name="releasePolicy" value="global"> <span><strong>At the same instant for everyone</strong>: the date and time above in that time zone, wherever the fan is.</span></label>
</div>
<label class="choice"><input type="checkbox" name="followArtist" value="true" checked> <span>Fans also follow the artist when they pre-save</span></label>
</fieldset>
<button type="submit" id="create-campaign">Create the campaign</button>
</form>
<aside aria-labelledby="preview-h" class="preview-wrap">
<h2 id="preview-h">What fans will see</h2>
<div class="preview" id="preview">
<div class="art" id="preview-art" role="img" aria-label="artwork">♪</div>
<p class="p-title" id="preview-title">Your release</p>
<p class="muted" id="preview-artist">${input.artists[0]!.name}</p>
<p id="preview-when" class="muted">Out soon</p>
<span class="fake-button">Pre-save on Spotify</span>
</div>
<p class="muted">The link will be ${input.publicUrl}/l/… once the campaign is created.</p>
</aside>
</div>`,
  });
}

const RESOLUTION_WORDS: Record<Campaign['resolution'], string> = {
  unresolved:
    'not found in the catalogue yet (normal before release: we keep looking and e-mail you if it is still missing close to the day)',
  candidate: 'found, waiting to confirm it is the right release',
  confirmed: 'confirmed in the catalogue',
  live: 'live: fans can stream it',
};

export interface CampaignView extends DeliveryView {
  csrf: string;
  presaves: readonly {
    id: string;
    platform: string;
    status: string;
    dueAt: number;
    executedAt: number | null;
    reason: string | null;
  }[];
  filter?: string;
  canChange: boolean;
  landingUrl: string;
  alerts: readonly string[];
}

/** The release artwork: what fans see, and (for those who may change the campaign) the upload. */
function artworkPanel(v: CampaignView): Html {
  const c = v.campaign;
  const src = artworkSrc(c, 160);
  const big = artworkSrc(c, 320);
  return html`<section class="panel" aria-labelledby="art-h"><h2 id="art-h">Artwork</h2>
${
  src
    ? html`<img id="campaign-art" class="cover" src="${src}" srcset="${big ?? src} 2x" width="160" height="160" alt="Artwork of ${c.title}">`
    : html`<p class="muted">No artwork yet: the catalogue has none for this release. Upload it so fans see it on the smart link.</p>`
}
${
  v.canChange
    ? html`<form id="artwork-form" method="post" action="/app/campaigns/${c.id}/artwork" enctype="multipart/form-data" data-upload="/v1/campaigns/${c.id}/artwork" data-next="/app/campaigns/${c.id}">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label for="artwork-file">${c.artworkUploadId ? 'Replace the artwork' : 'Upload artwork'} <span class="muted">(PNG or JPEG, square, ${ARTWORK_MIN_SIDE} to ${ARTWORK_MAX_SIDE} pixels a side, up to 10 MB)</span></label>
<input id="artwork-file" name="artwork" type="file" accept="image/png,image/jpeg" required>
<button type="submit" id="upload-artwork" class="secondary">Upload</button></form>`
    : ''
}
</section>`;
}

export function campaignPage(v: CampaignView) {
  const c = v.campaign;
  const pending = v.progress.pending;
  const open = c.status === 'scheduled' || c.status === 'releasing';
  const when = (ms: number | null) =>
    ms === null ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const filters: Html[] = ['all', 'pending', 'done', 'failed', 'revoked', 'cancelled'].map(
    (s) =>
      html`<option value="${s === 'all' ? '' : s}"${(v.filter ?? '') === (s === 'all' ? '' : s) ? html` selected` : ''}>${s}</option>`,
  );
  return signedInPage({
    title: c.title,
    section: 'campaigns',
    csrf: v.csrf,
    script: '/app/setup.js',
    body: html`<h1>${c.title}</h1>
<p class="muted">${c.artistName} · ${PHASE_WORDS[v.phase]} · ${c.releasePolicy === 'local' ? 'midnight where each fan lives' : 'one instant for everyone'}</p>
${v.alerts.map((a) => html`<p class="error" role="alert">${a}</p>`)}
<section class="panel" aria-labelledby="when-h"><h2 id="when-h">Release</h2>
<p>${c.releaseDate} ${c.releaseTime.slice(0, 5)} (${c.timeZone}) · <span id="countdown" data-release-at="${new Date(c.releaseAt).toISOString()}">${when(c.releaseAt)}</span></p>
<p>Catalogue: <strong id="resolution">${RESOLUTION_WORDS[c.resolution]}</strong></p>
<p>Smart link: <a id="smart-link" href="${v.landingUrl}">${v.landingUrl}</a></p>
<p><a id="ads-link" href="/app/campaigns/${c.id}/ads">Ads for this release</a>: copy, Meta and Google campaigns, their results.</p>
<p><a id="plan-link" href="/app/campaigns/${c.id}/plan">Release plan</a>: the weeks before and after the release, drafted for you, scheduled when you accept it.</p>
</section>
${artworkPanel(v)}
${deliveryPanel(v)}
<section class="panel" aria-labelledby="fans-h"><h2 id="fans-h">Fans</h2>
<form class="inline" method="get" action="/app/campaigns/${c.id}"><label for="filter">Show</label><select id="filter" name="status">${filters}</select><button type="submit" class="secondary">Filter</button></form>
<p><a id="export" href="/v1/campaigns/${c.id}/presaves.csv${v.filter ? `?status=${v.filter}` : ''}" download>Export as CSV</a> <span class="muted">(states and reasons; no personal data)</span></p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Pre-saves"><table id="fans-table"><thead><tr><th scope="col">Pre-save</th><th scope="col">Service</th><th scope="col">State</th><th scope="col">Due</th><th scope="col">Reason</th></tr></thead><tbody>
${v.presaves.map((p) => html`<tr><td>${p.id.slice(0, 8)}</td><td>${p.platform}</td><td>${p.status}</td><td>${when(p.dueAt)}</td><td>${p.reason ?? ''}</td></tr>`)}
</tbody></table></div>
${v.presaves.length === 0 ? html`<p class="muted">No pre-saves${v.filter ? ' in this state' : ''} yet. Share the smart link.</p>` : ''}
</section>
${
  v.canChange && open
    ? html`<section class="panel" aria-labelledby="change-h"><h2 id="change-h">Reschedule or cancel</h2>
<form id="reschedule-form" data-api="/v1/campaigns/${c.id}" data-method="PATCH" data-next="/app/campaigns/${c.id}">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label for="r-date">New release date</label><input id="r-date" name="releaseDate" type="date" value="${c.releaseDate}" required>
<label for="r-time">Time</label><input id="r-time" name="releaseTime" type="time" value="${c.releaseTime.slice(0, 5)}" required>
<label class="choice"><input type="checkbox" name="confirm" required> <span>I understand: the ${v.progress.total} fans who pre-saved keep their pre-save, and it is delivered at the new time instead.</span></label>
<button type="submit" id="reschedule">Reschedule</button></form>
<form id="cancel-form" data-api="/v1/campaigns/${c.id}/cancel" data-method="POST" data-next="/app/campaigns/${c.id}">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label class="choice"><input type="checkbox" name="confirm" required> <span>I understand: nothing is saved to the libraries of the ${pending} fans still waiting, the smart link stops taking pre-saves, and this cannot be undone.</span></label>
<button type="submit" class="danger" id="cancel">Cancel the campaign</button></form>
</section>`
    : ''
}
${flash({})}`,
  });
}
