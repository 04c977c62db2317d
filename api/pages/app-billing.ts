// The billing page of the artist app: the plan and what it allows, how much of it is used, the plans to move to
// (Stripe Checkout) and the billing portal (invoices, card, cancelling). Owners pay; the others see. The buttons send
// to /v1/billing/* from /app/setup.js and follow Stripe's link.
import { type AccountBilling, type PlanUsage } from '../../db/billing';
import { PACKAGES, type PaidTier, type PlanLimits, PLANS } from '../../lib/billing/plans';
import { csrfField, signedInPage } from './app-layout';
import { money } from './app-ads';
import { html } from './layout';

export interface BillingView {
  csrf: string;
  enabled: boolean;
  billing: AccountBilling;
  usage: PlanUsage;
  isOwner: boolean;
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
const includes = (l: PlanLimits) =>
  [
    `${l.activeCampaigns} active ${l.activeCampaigns === 1 ? 'campaign' : 'campaigns'}`,
    l.adAutomation ? 'ads' : null,
    l.fanExport ? 'subscriber export' : null,
  ]
    .filter(Boolean)
    .join(', ');

export function billingPage(v: BillingView): string {
  const plan = PLANS[v.billing.tier];
  const onPlan = v.usage.activeCampaigns - v.usage.coveredCampaigns;
  const checkout = (tier: PaidTier) =>
    html`<form class="inline" id="subscribe-${tier}" data-api="/v1/billing/checkout" data-method="POST" data-next-from="url" data-body="${JSON.stringify({ kind: 'subscription', tier, currency: 'eur' })}">${csrfField(v.csrf)}<p class="error" role="alert" data-error hidden></p><button type="submit">Choose ${PLANS[tier].name}</button></form>`;
  return signedInPage({
    title: 'billing',
    section: 'billing',
    csrf: v.csrf,
    script: '/app/setup.js',
    body: html`<h1>Billing</h1>
${v.enabled ? '' : html`<p class="notice" role="status">Billing is not set up on this server: every feature is open and nothing is charged.</p>`}
<section class="panel" aria-labelledby="plan-h"><h2 id="plan-h">Your plan: <span id="plan-name">${plan.name}</span></h2>
${
  v.billing.stripeSubscriptionId
    ? html`<p>Subscription ${v.billing.subscriptionStatus ?? 'pending'}${v.billing.graceUntil !== null ? html`: <strong>payment failed</strong>, the plan stays until ${new Date(v.billing.graceUntil).toISOString().slice(0, 10)}` : ''}.</p>`
    : ''
}
<dl class="stats" id="usage">
<div><dt>Active campaigns on the plan</dt><dd>${onPlan} of ${plan.limits.activeCampaigns}</dd></div>
<div><dt>Paid by packages</dt><dd>${v.usage.coveredCampaigns}</dd></div>
<div><dt>Unused package credits</dt><dd>${v.usage.unusedCredits}</dd></div>
</dl>
<p class="muted">Ads by dropday: ${yes(plan.limits.adAutomation)} · subscriber export: ${yes(plan.limits.fanExport)}. A campaign stops counting once it completes or is cancelled.</p>
${
  v.isOwner && v.billing.stripeCustomerId
    ? html`<form id="portal" data-api="/v1/billing/portal" data-method="POST" data-next-from="url" data-body="{}">${csrfField(v.csrf)}<p class="error" role="alert" data-error hidden></p><button type="submit" class="secondary">Invoices, card and cancelling (Stripe)</button></form>`
    : ''
}
</section>
<section class="panel" aria-labelledby="plans-h"><h2 id="plans-h">Plans</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Plans"><table id="plans-table"><thead><tr><th scope="col">Plan</th><th scope="col">Per month</th><th scope="col">Includes</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>
${Object.values(PLANS).map(
  (p) =>
    html`<tr><td>${p.name}${p.tier === v.billing.tier ? ' (yours)' : ''}</td><td>${p.monthlyPrice ? money(p.monthlyPrice.eur, 'EUR') : 'free'}</td><td>${includes(p.limits)}</td><td>${
      v.isOwner && v.enabled && p.tier !== 'free' && p.tier !== v.billing.tier ? checkout(p.tier as PaidTier) : ''
    }</td></tr>`,
)}
</tbody></table></div>
${v.isOwner ? '' : html`<p class="muted">Only an owner of the account changes the plan.</p>`}
<p class="muted">Or one campaign at a time: ${Object.values(PACKAGES)
      .map((p) => `${p.name} (${money(p.price.eur, 'EUR')})`)
      .join(', ')}.</p>
</section>`,
  });
}
