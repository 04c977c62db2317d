// The summary an artist reads before an ad campaign is created: where it runs, the money (in total and about a day),
// when it launches and ends, who sees it, and the approved words. "Create" sends exactly the JSON shown here to
// POST /v1/campaigns/:id/ads (from /app/setup.js); problems with the form are listed instead, nothing is created.
import { type ApprovedCopy } from '../../db/ad-campaigns';
import { type Campaign } from '../../db/campaigns';
import { type CreateAdCampaignBody } from '../schemas';
import { csrfField, signedInPage } from './app-layout';
import { money, PLATFORM_LABEL, utc } from './app-ads';
import { html } from './layout';

export interface AdReviewView {
  csrf: string;
  campaign: Campaign;
  /** the body as the API takes it (what "Create" sends), or the problems that keep it from being sent */
  body: Record<string, unknown> | null;
  parsed: CreateAdCampaignBody | null;
  problems: readonly string[];
  copy: ApprovedCopy | null;
}

export function adReviewPage(v: AdReviewView): string {
  const c = v.campaign;
  const back = html`<p><a href="/app/campaigns/${c.id}/ads">← Back to the ads of ${c.title}</a></p>`;
  if (!v.parsed || !v.body)
    return signedInPage({
      title: 'check the ad campaign',
      section: 'campaigns',
      csrf: v.csrf,
      body: html`${back}<h1>Some details need fixing</h1>
<div class="error" role="alert"><p>Nothing was created. Go back and change:</p><ul>${v.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`,
    });
  const b = v.parsed;
  const launch = b.startAt ? Date.parse(b.startAt) : c.releaseAt;
  const end = Date.parse(b.endAt);
  const days = Math.max(1, Math.round((end - launch) / 86_400_000));
  const total = money(b.budget.amount, b.budget.currency);
  return signedInPage({
    title: 'review the ad campaign',
    section: 'campaigns',
    csrf: v.csrf,
    script: '/app/setup.js',
    body: html`${back}<h1>Review the ad campaign</h1>
<section class="panel" aria-labelledby="summary-h" id="ad-summary"><h2 id="summary-h">${PLATFORM_LABEL[b.platform]} for ${c.title}</h2>
<dl class="copy">
<div><dt>Budget</dt><dd>${total} in total over ${days} ${days === 1 ? 'day' : 'days'} (about ${money(Math.floor(b.budget.amount / days), b.budget.currency)} a day)</dd></div>
<div><dt>Launch</dt><dd>${utc(launch)}${b.startAt ? '' : ' — the release instant'}</dd></div>
<div><dt>End</dt><dd>${utc(end)}: paused then, nothing more is spent</dd></div>
<div><dt>Countries</dt><dd>${(b.countries ?? []).join(', ')}</dd></div>
<div><dt>Goal</dt><dd>${b.objective}</dd></div>
<div><dt>${b.platform === 'meta' ? 'Ad account and Page' : 'Customer and video'}</dt><dd>${
      b.platform === 'meta'
        ? `act_${b.adAccountId} · Page ${b.pageId}`
        : `${b.customerId} · YouTube ${b.youtubeVideoId}`
    }</dd></div>
<div><dt>Words</dt><dd>${v.copy ? html`<strong>${v.copy.headline}</strong> — ${v.copy.primaryText} — ${v.copy.description}` : html`<span class="error">no approved copy yet: approve a variant first</span>`}</dd></div>
</dl>
<p>dropday creates it now in your ad account, <strong>paused</strong>, launches it at ${utc(launch)} and pauses it at the end. You can cancel it until then (nothing is spent) or pause it while it runs.</p>
<form id="create-ad" data-api="/v1/campaigns/${c.id}/ads" data-method="POST" data-next="/app/campaigns/${c.id}/ads" data-body="${JSON.stringify(v.body)}">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label class="choice"><input type="checkbox" name="confirm" required> <span>I agree to spend up to ${total} on this campaign.</span></label>
<button type="submit" id="create-ad-button">Create the ad campaign</button></form>
</section>`,
  });
}
