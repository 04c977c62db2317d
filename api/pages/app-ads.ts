// A campaign's ads in the artist app: connect Meta / Google Ads, have ad copy written (Gemini, or the template
// writer), review the variants with the linter's findings, edit one, approve it or reject them with feedback; then
// an ad campaign with its budget and dates, shown as a summary before it is created (./app-ads-review.ts), and the
// ad campaigns' state and insights. Every change goes to /v1 from /app/setup.js (the same routes scripts use).
import { type AdCampaign } from '../../db/ad-campaigns';
import { type AdCopyRequest, type AdCopyVariant } from '../../db/ad-copy';
import { type AdAccountChoices, type Choice } from '../ad-account-choices';
import { type Campaign } from '../../db/campaigns';
import { type Connection } from '../../db/connections';
import { COPY_LIMITS, FIELD_LABELS } from '../../lib/ad-copy/limits';
import { MAX_VARIANTS } from '../../lib/ad-copy/template-writer';
import { csrfField, signedInPage } from './app-layout';
import { html, type Html } from './layout';

export const PLATFORM_LABEL = { meta: 'Meta (Facebook and Instagram)', google: 'Google Ads (YouTube)' } as const;
type Platform = keyof typeof PLATFORM_LABEL;

export const utc = (ms: number | null) =>
  ms === null ? '–' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** Minor units as people read money: 5000 USD → "USD 50.00". */
export function money(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const shown = new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'code' }).format(
    minor / 10 ** digits,
  );
  return shown.replace(/\s/g, ' '); // ICU puts a no-break space after the code
}

export interface AdsView {
  csrf: string;
  campaign: Campaign;
  canChange: boolean;
  writer: 'gemini' | 'template';
  connections: readonly Connection[];
  copy: readonly { request: AdCopyRequest; variants: readonly AdCopyVariant[] }[];
  ads: readonly {
    ad: AdCampaign;
    totals: { spendMinor: number; impressions: number; clicks: number; conversions: number; syncedAt: number | null };
  }[];
  /** what the connected accounts offer to choose from (../ad-account-choices.ts) */
  choices: AdAccountChoices;
}

/** A choice of ids read from the account, or (none, or the provider did not answer) the id typed by hand. */
function idField(input: { id: string; name: string; label: string; choices: readonly Choice[] | null; typed: Html }) {
  if (input.choices && input.choices.length > 0)
    return html`<label for="${input.id}">${input.label}</label><select id="${input.id}" name="${input.name}" required>${input.choices.map((c) => html`<option value="${c.id}">${c.label}</option>`)}</select>`;
  return input.typed;
}

const COPY_STATUS: Record<AdCopyRequest['status'], string> = {
  generating: 'being written',
  awaiting_approval: 'waiting for your decision',
  approved: 'approved',
  rejected: 'rejected too often: ask for new copy',
  expired: 'expired without a decision',
  failed: 'could not be written',
};

const AD_STATE: Record<AdCampaign['state'], string> = {
  creating: 'being created at the platform (paused)',
  scheduled: 'created and paused: it launches at the time below',
  active: 'running',
  ended: 'ended',
  failed: 'failed',
  cancelled: 'cancelled',
};

function api(v: AdsView, path: string) {
  return `/v1/campaigns/${v.campaign.id}${path}`;
}

function connectionPanel(v: AdsView): Html {
  const row = (p: Platform) => {
    const c = v.connections.find((x) => x.provider === p && x.status !== 'disconnected');
    const state = !c ? 'not connected' : c.status === 'active' ? 'connected' : 'needs to be connected again';
    return html`<li><strong>${PLATFORM_LABEL[p]}</strong>: <span id="conn-${p}">${state}</span>${c?.displayName ? html` as ${c.displayName}` : ''}
${
  v.canChange && c?.status !== 'active'
    ? html`<form class="inline" id="connect-${p}" data-api="/v1/connections/${p}" data-method="POST" data-next-from="authorizeUrl">${csrfField(v.csrf)}<p class="error" role="alert" data-error hidden></p><button type="submit" class="secondary">Connect ${p === 'meta' ? 'Meta' : 'Google Ads'}</button></form>`
    : ''
}</li>`;
  };
  return html`<section class="panel" aria-labelledby="conn-h"><h2 id="conn-h">Ad accounts</h2>
<p class="muted">dropday creates the ads in your own ad account, paused, and launches them at the release.</p>
<ul class="plain">${row('meta')}${row('google')}</ul></section>`;
}

function findings(variant: AdCopyVariant): Html {
  if (variant.violations.length === 0)
    return html`<p class="notice">Passes the platform's length limits and the ad policy checks.</p>`;
  return html`<div class="findings"><p class="error">Cannot be approved:</p><ul>${variant.violations.map(
    (f) => html`<li>${f.field ? html`<strong>${f.field}</strong>: ` : ''}${f.message}</li>`,
  )}</ul></div>`;
}

function variantCard(v: AdsView, p: Platform, request: AdCopyRequest, variant: AdCopyVariant, n: number): Html {
  const labels = FIELD_LABELS[p];
  const limits = COPY_LIMITS[p];
  const approvable =
    request.status === 'awaiting_approval' &&
    variant.generation === request.generation &&
    variant.violations.length === 0;
  const id = `v-${variant.id.slice(0, 8)}`;
  return html`<article class="variant" id="${id}" aria-labelledby="${id}-h">
<h4 id="${id}-h">Variant ${n}${variant.approvedAt !== null ? ' · approved' : ''}</h4>
<dl class="copy"><div><dt>${labels.headline}</dt><dd data-field="headline">${variant.headline}</dd></div>
<div><dt>${labels.primaryText}</dt><dd data-field="primaryText">${variant.primaryText}</dd></div>
<div><dt>${labels.description}</dt><dd data-field="description">${variant.description}</dd></div></dl>
<p class="muted">Written by ${variant.source === 'gemini' ? 'Gemini' : 'the template writer'}${variant.editedAt !== null ? ', edited by you' : ''}.</p>
${findings(variant)}
${
  approvable && v.canChange
    ? html`<details><summary>Edit the words</summary>
<form class="edit-form" data-api="${api(v, `/ads/copy/${request.id}/variants/${variant.id}`)}" data-method="PATCH" data-next="">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label for="${id}-headline">${labels.headline} <span class="muted">(up to ${limits.headline} characters)</span></label>
<input id="${id}-headline" name="headline" value="${variant.headline}" maxlength="${limits.headline}" required>
<label for="${id}-primary">${labels.primaryText} <span class="muted">(up to ${limits.primaryText})</span></label>
<textarea id="${id}-primary" name="primaryText" maxlength="${limits.primaryText}" rows="3" required>${variant.primaryText}</textarea>
<label for="${id}-description">${labels.description} <span class="muted">(up to ${limits.description})</span></label>
<input id="${id}-description" name="description" value="${variant.description}" maxlength="${limits.description}" required>
<button type="submit" class="secondary">Save the edit</button></form></details>
<form class="approve-form" data-api="${api(v, `/ads/copy/${request.id}/approve`)}" data-method="POST" data-next="" data-poll="${api(v, '/ads/copy')}" data-poll-request="${request.id}">${csrfField(v.csrf)}
<input type="hidden" name="variantId" value="${variant.id}">
<p class="error" role="alert" data-error hidden></p>
<button type="submit">Approve variant ${n}</button></form>`
    : ''
}
</article>`;
}

function copyRequestForm(v: AdsView, p: Platform): Html {
  return html`<form class="copy-form" id="copy-${p}" data-api="${api(v, '/ads/copy')}" data-method="POST" data-next="">${csrfField(v.csrf)}
<input type="hidden" name="platform" value="${p}">
<p class="error" role="alert" data-error hidden></p>
<label for="copy-${p}-n">How many variants</label>
<select id="copy-${p}-n" name="variants" data-type="number">${Array.from({ length: MAX_VARIANTS }, (_, i) => i + 1).map(
    (n) => html`<option value="${n}"${n === 3 ? html` selected` : ''}>${n}</option>`,
  )}</select>
<label class="choice"><input type="checkbox" name="explicit" data-type="boolean"> <span>The release is explicit (the ads then say "Explicit content. 18+." and run for adults only)</span></label>
<button type="submit">Write ${p === 'meta' ? 'Meta' : 'Google'} ad copy</button></form>`;
}

function copyPanel(v: AdsView, p: Platform): Html {
  const latest = v.copy.find((c) => c.request.platform === p);
  const open = latest && (latest.request.status === 'generating' || latest.request.status === 'awaiting_approval');
  const current = latest ? latest.variants.filter((x) => x.generation === latest.request.generation) : [];
  const approved = latest?.variants.find((x) => x.approvedAt !== null);
  return html`<section class="panel" aria-labelledby="copy-${p}-h" id="copy-panel-${p}">
<h2 id="copy-${p}-h">${p === 'meta' ? 'Meta' : 'Google'} ad copy</h2>
${
  latest
    ? html`<p>Latest copy: <strong id="copy-${p}-status">${COPY_STATUS[latest.request.status]}</strong>${
        latest.request.status === 'awaiting_approval' && latest.request.expiresAt !== null
          ? html` (decide before ${utc(latest.request.expiresAt)})`
          : ''
      }</p>
${latest.request.failureReason ? html`<p class="error">${latest.request.failureReason}</p>` : ''}
${latest.request.status === 'generating' ? html`<p class="muted" data-reload-after="3">Writing with ${v.writer === 'gemini' ? 'Gemini' : 'the template writer'} and checking each variant… this page refreshes by itself.</p>` : ''}
${latest.request.feedback ? html`<p class="muted">Your last feedback: “${latest.request.feedback}”</p>` : ''}
${latest.request.status === 'awaiting_approval' || latest.request.status === 'approved' ? (latest.request.status === 'approved' && approved ? variantCard(v, p, latest.request, approved, approved.position + 1) : current.map((x, i) => variantCard(v, p, latest.request, x, i + 1))) : ''}
${
  latest.request.status === 'awaiting_approval' && v.canChange
    ? html`<form class="reject-form" data-api="${api(v, `/ads/copy/${latest.request.id}/reject`)}" data-method="POST" data-next="" data-poll="${api(v, '/ads/copy')}" data-poll-request="${latest.request.id}">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label for="reject-${p}">None of these? Say what to change, and new variants are written</label>
<textarea id="reject-${p}" name="feedback" rows="2" maxlength="1000" required></textarea>
<button type="submit" class="secondary">Reject all and write new ones</button></form>`
    : ''
}`
    : html`<p class="muted">No copy yet. ${v.writer === 'gemini' ? 'Gemini writes' : 'The template writer writes'} variants from the release's facts (never from fans' data); each is checked against the platform's limits and the ad policy before you see it.</p>`
}
${v.canChange && !open ? copyRequestForm(v, p) : ''}
</section>`;
}

function adRow({ ad, totals }: AdsView['ads'][number], v: AdsView): Html {
  const finished = ad.state === 'ended' || ad.state === 'failed' || ad.state === 'cancelled';
  return html`<article class="variant" id="ad-${ad.id.slice(0, 8)}" aria-label="${ad.platform} ad campaign">
<h3>${PLATFORM_LABEL[ad.platform]} · <span class="ad-state">${AD_STATE[ad.state]}</span></h3>
<dl class="copy">
<div><dt>Budget</dt><dd>${money(ad.budgetMinor, ad.currency)} in total</dd></div>
<div><dt>Launch</dt><dd>${utc(ad.launchedAt ?? ad.startAt ?? v.campaign.releaseAt)}${ad.launchedAt ? ' (launched)' : ''}</dd></div>
<div><dt>End</dt><dd>${utc(ad.endAt)}</dd></div>
<div><dt>Countries</dt><dd>${ad.countries.join(', ')}</dd></div>
<div><dt>Spent</dt><dd class="ad-spend">${money(totals.spendMinor, ad.currency)}</dd></div>
<div><dt>Impressions</dt><dd>${totals.impressions}</dd></div>
<div><dt>Clicks</dt><dd>${totals.clicks}</dd></div>
<div><dt>Conversions</dt><dd>${totals.conversions}</dd></div>
</dl>
${ad.state === 'creating' ? html`<p class="muted" data-reload-after="3">Creating it at the platform… this page refreshes by itself.</p>` : ''}
<p class="muted">Insights ${totals.syncedAt === null ? 'not synced yet (they arrive after launch)' : `synced ${utc(totals.syncedAt)}`}.</p>
${ad.lastError ? html`<p class="error">${ad.platform === 'meta' ? 'Meta' : 'Google Ads'} said: ${ad.lastError.message}</p>` : ''}
${
  v.canChange && !finished
    ? html`<form class="cancel-ad" data-api="${api(v, `/ads/${ad.id}/cancel`)}" data-method="POST" data-next="">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label class="choice"><input type="checkbox" name="confirm" required> <span>${ad.launchedAt ? 'Pause it now: it stops spending; what it spent stays spent.' : 'Remove it from the ad account before it launches: nothing is spent.'}</span></label>
<button type="submit" class="danger">Cancel this ad campaign</button></form>`
    : ''
}
</article>`;
}

function problem(choices: { ok: boolean; message?: string } | undefined, id: string): Html {
  return choices && !choices.ok ? html`<p class="error" role="alert" id="${id}">${choices.message}</p>` : html``;
}

function metaIds(v: AdsView): Html {
  const c = v.choices.meta?.ok ? v.choices.meta : null;
  return html`${problem(v.choices.meta, 'meta-choices-error')}
${idField({
  id: 'meta-account',
  name: 'adAccountId',
  label: 'Meta ad account',
  choices: c?.adAccounts ?? null,
  typed: html`<label for="meta-account">Meta ad account id</label><input id="meta-account" name="adAccountId" placeholder="act_1234567890" required maxlength="24">`,
})}
${idField({
  id: 'meta-page',
  name: 'pageId',
  label: 'Facebook Page the ads run as',
  choices: c?.pages ?? null,
  typed: html`<label for="meta-page">Facebook Page id <span class="muted">(the ads run as this Page)</span></label><input id="meta-page" name="pageId" inputmode="numeric" required maxlength="20">`,
})}`;
}

function googleIds(v: AdsView): Html {
  const c = v.choices.google?.ok ? v.choices.google : null;
  return html`${problem(v.choices.google, 'google-choices-error')}
${idField({
  id: 'google-customer',
  name: 'customerId',
  label: 'Google Ads account',
  choices: c?.customers ?? null,
  typed: html`<label for="google-customer">Google Ads customer id</label><input id="google-customer" name="customerId" placeholder="123-456-7890" required maxlength="12">`,
})}
<label for="google-video">YouTube video id</label><input id="google-video" name="youtubeVideoId" required maxlength="11">`;
}

function newAdForm(v: AdsView, p: Platform): Html {
  const ready =
    v.connections.some((c) => c.provider === p && c.status === 'active') &&
    v.copy.some((c) => c.request.platform === p && c.variants.some((x) => x.approvedAt !== null));
  if (!ready)
    return html`<p class="muted">A ${p === 'meta' ? 'Meta' : 'Google'} ad campaign needs the ad account connected and approved copy (above).</p>`;
  const tomorrow = new Date(Math.max(Date.now(), v.campaign.releaseAt) + 7 * 86_400_000).toISOString().slice(0, 10);
  return html`<form method="get" action="/app/campaigns/${v.campaign.id}/ads/review" id="new-ad-${p}" class="new-ad">
<input type="hidden" name="platform" value="${p}">
<h3>New ${p === 'meta' ? 'Meta' : 'Google'} ad campaign</h3>
<label for="${p}-budget">Total budget</label><input id="${p}-budget" name="amount" inputmode="decimal" required pattern="[0-9]+([.][0-9]{1,3})?" aria-describedby="${p}-budget-hint">
<p id="${p}-budget-hint" class="muted">Spent over the whole run, e.g. 150.00.</p>
<label for="${p}-currency">Currency <span class="muted">(your ad account's)</span></label><input id="${p}-currency" name="currency" value="USD" required maxlength="3" pattern="[A-Za-z]{3}">
<label for="${p}-end">Last day (UTC)</label><input id="${p}-end" name="endDate" type="date" value="${tomorrow}" required>
<label for="${p}-countries">Countries <span class="muted">(two-letter codes, comma separated)</span></label><input id="${p}-countries" name="countries" value="US" required maxlength="200">
<label for="${p}-objective">Goal</label><select id="${p}-objective" name="objective">${(p === 'meta'
    ? [
        ['traffic', 'visits to the smart link'],
        ['awareness', 'people who see it'],
        ['engagement', 'likes, comments and shares'],
      ]
    : [
        ['traffic', 'visits to the smart link'],
        ['conversions', 'pre-saves'],
      ]
  ).map(([value, words]) => html`<option value="${value}">${words}</option>`)}</select>
${p === 'meta' ? metaIds(v) : googleIds(v)}
<button type="submit" class="secondary">Review before creating</button></form>`;
}

export function adsPage(v: AdsView): string {
  const c = v.campaign;
  return signedInPage({
    title: `ads · ${c.title}`,
    section: 'campaigns',
    csrf: v.csrf,
    script: '/app/setup.js',
    body: html`<p><a href="/app/campaigns/${c.id}">← ${c.title}</a></p>
<h1>Ads for ${c.title}</h1>
${connectionPanel(v)}
${copyPanel(v, 'meta')}
${copyPanel(v, 'google')}
<section class="panel" aria-labelledby="ads-h"><h2 id="ads-h">Ad campaigns</h2>
${v.ads.length === 0 ? html`<p class="muted">No ad campaign yet.</p>` : v.ads.map((a) => adRow(a, v))}
${v.canChange && c.status !== 'cancelled' ? html`<div class="two">${newAdForm(v, 'meta')}${newAdForm(v, 'google')}</div>` : ''}
</section>`,
  });
}
