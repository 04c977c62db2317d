// The release plan page of the artist app (routes/app-release-plan.ts): draft a plan with a budget, read its items
// by day with their findings and whether dropday runs them, edit an item, and accept after a confirmation that
// lists what will be scheduled. Plain forms: no script needed. Viewers read; managers and owners change.
import { minorDigits } from '../../lib/currency';
import { formatMinor } from '../../lib/release-plan/money';
import { type ReleasePlanView } from '../release-plan-view';
import { csrfField, flash, signedInPage } from './app-layout';
import { html, type Html } from './layout';

type ItemView = ReleasePlanView['items'][number];

const KIND_WORDS: Record<string, string> = {
  presave_push: 'Pre-save push',
  instagram_post: 'Release-day Instagram post',
  ad_campaign: 'Ad campaign',
  reminder: 'Reminders',
  task: 'Task',
};
const days = (n: number) => (n === 1 ? '1 day' : `${n} days`);
const dayWords = (d: number) => (d === 0 ? 'Release day' : d < 0 ? `${days(-d)} before` : `${days(d)} after`);
const major = (minor: number, currency: string) => (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

function itemForm(plan: ReleasePlanView, item: ItemView, v: { csrf: string; campaignId: string }): Html {
  const id = `item-${item.id}`;
  const ad = item.ad;
  const input = (name: string, label: string, value: string, extra: Html | string = '') =>
    html`<label for="${id}-${name}">${label}</label><input id="${id}-${name}" name="${name}" value="${value}"${extra}>`;
  return html`<details><summary>Edit</summary>
<form method="post" action="/app/campaigns/${v.campaignId}/plan/items/${item.id}">${csrfField(v.csrf)}
${input('day', 'Day (0 is release day, -7 a week before)', String(item.day), html` inputmode="numeric" required`)}
${input('title', 'Title', item.title, html` maxlength="120" required`)}
<label for="${id}-text">Text</label><textarea id="${id}-text" name="text" rows="4" maxlength="2200">${item.text}</textarea>
${
  ad
    ? html`${input('budget', `Budget (${plan.budget.currency})`, major(ad.budget, plan.budget.currency), html` inputmode="decimal" required`)}
${input('startDay', 'Start day', String(ad.startDay), html` inputmode="numeric" required`)}
${input('endDay', 'End day', String(ad.endDay), html` inputmode="numeric" required`)}
${input('countries', 'Countries (codes, comma separated)', ad.countries.join(', '))}
${
  ad.platform === 'meta'
    ? html`${input('adAccountId', 'Meta ad account id', ad.adAccountId ?? '')}${input('pageId', 'Facebook Page id', ad.pageId ?? '')}`
    : html`${input('customerId', 'Google Ads customer id', ad.customerId ?? '')}${input('youtubeVideoId', 'YouTube video id', ad.youtubeVideoId ?? '')}`
}`
    : ''
}
<button type="submit">Save this item</button>
</form></details>`;
}

function itemRow(
  plan: ReleasePlanView,
  item: ItemView,
  v: { csrf: string; campaignId: string; canChange: boolean },
): Html {
  const resource = item.resource;
  return html`<li class="panel plan-item" id="plan-${item.id}" data-kind="${item.kind}">
<h3>${dayWords(item.day)} · ${KIND_WORDS[item.kind] ?? item.kind}: ${item.title}</h3>
${item.text ? html`<p class="pre">${item.text}</p>` : ''}
${item.ad ? html`<p>${item.ad.platform === 'meta' ? 'Meta' : 'Google Ads'}, ${formatMinor(item.ad.budget, plan.budget.currency)}, from ${dayWords(item.ad.startDay).toLowerCase()} to ${dayWords(item.ad.endDay).toLowerCase()}${item.ad.countries.length ? html`, in ${item.ad.countries.join(', ')}` : ''}</p>` : ''}
${
  item.findings.length
    ? html`<ul class="findings">${item.findings.map((f) => html`<li class="${f.severity === 'blocking' ? 'error' : 'muted'}">${f.severity === 'blocking' ? 'Must fix' : 'Note'}: ${f.message}</li>`)}</ul>`
    : ''
}
<p class="muted">${
    resource
      ? resource.error
        ? `Not scheduled: ${resource.error}`
        : resource.id
          ? `Scheduled: ${resource.type === 'ad_campaign' ? 'ad campaign' : 'Instagram post'} ${resource.id} (${resource.state})`
          : resource.type === 'reminders'
            ? 'On: reminders go out automatically'
            : 'Task: yours to do'
      : item.dropdayRuns.runs
        ? `dropday runs this: ${item.dropdayRuns.reason}`
        : `Yours to do: ${item.dropdayRuns.reason}`
  }</p>
${v.canChange && plan.status === 'draft' ? itemForm(plan, item, v) : ''}
</li>`;
}

function acceptForm(plan: ReleasePlanView, v: { csrf: string; campaignId: string }): Html {
  const runs = plan.items.filter((i) => i.dropdayRuns.runs && i.dropdayRuns.as !== 'reminders');
  return html`<section class="panel" aria-labelledby="accept-h"><h2 id="accept-h">Accept the plan</h2>
${
  plan.acceptable
    ? html`<p>Accepting schedules:</p>
<ul>${runs.length ? runs.map((i) => html`<li>${dayWords(i.day)}: ${i.title} (${i.dropdayRuns.reason})</li>`) : html`<li>nothing that dropday runs; the rest stays your checklist</li>`}</ul>
<form method="post" action="/app/campaigns/${v.campaignId}/plan/accept">${csrfField(v.csrf)}
<p><input type="checkbox" id="confirm-accept" name="confirm" value="yes" required> <label for="confirm-accept">Schedule these now</label></p>
<button type="submit" id="accept-plan">Accept the plan</button></form>`
    : html`<p class="error">Fix the items marked “Must fix” first.</p>`
}
</section>`;
}

function draftForm(v: { csrf: string; campaignId: string }, again: boolean): Html {
  return html`<section class="panel" aria-labelledby="draft-h"><h2 id="draft-h">${again ? 'Draft a new plan' : 'Draft a plan'}</h2>
<form method="post" action="/app/campaigns/${v.campaignId}/plan">${csrfField(v.csrf)}
<label for="plan-amount">Total ad budget</label><input id="plan-amount" name="amount" inputmode="decimal" value="0" required>
<label for="plan-currency">Currency</label><input id="plan-currency" name="currency" value="USD" maxlength="3">
<label for="plan-goals">Goals (optional)</label><input id="plan-goals" name="goals" maxlength="500">
<button type="submit" id="draft-plan">Draft the plan</button></form></section>`;
}

export function releasePlanPage(v: {
  csrf: string;
  campaign: { id: string; title: string };
  plan: ReleasePlanView | null;
  canChange: boolean;
  error?: string;
  notice?: string;
}): string {
  const { plan } = v;
  const ctx = { csrf: v.csrf, campaignId: v.campaign.id, canChange: v.canChange };
  const status: Record<string, string> = {
    drafting: 'Being drafted: reload in a moment.',
    draft: 'Draft: edit it, then accept.',
    accepted: 'Accepted.',
    failed: 'Drafting failed.',
  };
  return signedInPage({
    title: `plan — ${v.campaign.title}`,
    section: 'campaigns',
    csrf: v.csrf,
    body: html`<p><a href="/app/campaigns/${v.campaign.id}">← ${v.campaign.title}</a></p>
<h1>Release plan</h1>
${flash(v)}
${
  plan
    ? html`<p id="plan-status" data-status="${plan.status}"><strong>${status[plan.status]}</strong> ${plan.source ? html`Written by ${plan.source === 'gemini' ? 'Gemini' : 'the template writer'}.` : ''} Budget ${formatMinor(plan.budget.amount, plan.budget.currency)}.${plan.failureReason ? html` ${plan.failureReason}` : ''}</p>
${plan.findings.filter((f) => f.itemId === null).map((f) => html`<p class="${f.severity === 'blocking' ? 'error' : 'muted'}">${f.message}</p>`)}
<ol class="plain">${plan.items.map((i) => itemRow(plan, i, ctx))}</ol>
${v.canChange && plan.status === 'draft' ? acceptForm(plan, ctx) : ''}
${v.canChange && (plan.status === 'draft' || plan.status === 'failed') ? draftForm(ctx, true) : ''}`
    : v.canChange
      ? draftForm(ctx, false)
      : html`<p>No plan yet; an owner or manager drafts one.</p>`
}`,
  });
}
