// The campaign page's delivery panel: the phase in words (counting down, waiting for the release to go live,
// delivering with progress and ETA, delivered with its totals, cancelled), then the counts that /app/setup.js
// refreshes every 5 s. The phase comes from api/campaign-phase.ts.
import { type CampaignPhase } from '../campaign-phase';
import { type Campaign } from '../../db/campaigns';
import { type PresaveProgress } from '../../db/presaves';
import { html, type Html } from './layout';

export const PHASE_WORDS: Record<CampaignPhase, string> = {
  countdown: 'counting down to the release',
  waiting_for_live: 'waiting for the release to go live',
  delivering: 'delivering now',
  delivered: 'delivered',
  cancelled: 'cancelled',
};

/** Why pre-saves failed, in the artist's words (the codes are the delivery's: activities/presave-delivery.ts). */
const REASON_WORDS: Record<string, string> = {
  rejected: 'the streaming service refused the save',
  not_found: 'the release is not in the catalogue where the fan lives',
  no_subscription: 'no Apple Music subscription',
  not_configured: 'Apple Music is not set up on this server',
};

const PAUSE_WORDS: Record<string, string> = {
  quota_exceeded: "Spotify's daily request quota for this app is spent",
};

const RESOLUTION_WAIT: Record<Campaign['resolution'], string> = {
  unresolved: 'the catalogue does not list it yet',
  candidate: 'the catalogue lists a candidate we are confirming',
  confirmed: 'the catalogue lists it, not streamable yet',
  live: 'it is live',
};

export interface DeliveryView {
  campaign: Campaign;
  phase: CampaignPhase;
  progress: PresaveProgress;
  /** ms until the due pre-saves are delivered at the current pace; null while there is no pace yet */
  etaMs: number | null;
  /** the release workflow waits out a spent provider quota (lib/starters/release.ts, releasePause) */
  pause: { untilMs: number; reason: string } | null;
  failures: readonly { reason: string; count: number }[];
  remindersSent: number;
  ledger: { reachable: number; expiringBeforeRelease: number; foreverSave: number };
  now: number;
}

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function duration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The sentence (or list) under the panel's heading that says where the delivery stands. */
function phaseDetail(v: DeliveryView): Html {
  const { campaign: c, progress: p } = v;
  switch (v.phase) {
    case 'countdown':
      return html`<p>Nothing is due yet: ${p.pending} pre-saves wait for ${p.nextDueAt === null ? when(c.releaseAt) : when(p.nextDueAt)}.</p>`;
    case 'waiting_for_live':
      return html`<p>${p.dueNow} pre-saves are due, and wait until the release is streamable (${RESOLUTION_WAIT[c.resolution]}); we check the catalogue again every few seconds and deliver the moment it is.</p>`;
    case 'delivering': {
      const settled = p.total - p.pending;
      const eta =
        p.dueNow === 0
          ? html`the next wave starts ${p.nextDueAt === null ? 'soon' : when(p.nextDueAt)}`
          : v.etaMs === null
            ? html`estimating the time left`
            : html`about ${duration(v.etaMs)} left for the ${p.dueNow} due now`;
      const paused = v.pause
        ? html`<p id="d-paused" data-reason="${v.pause.reason}">Paused until ${new Date(v.pause.untilMs).toISOString().slice(11, 19)} UTC: ${PAUSE_WORDS[v.pause.reason] ?? v.pause.reason}. Delivery resumes by itself then; nothing is lost.</p>`
        : '';
      return html`${paused}<p><progress id="d-progress" max="${p.total}" value="${settled}">${settled} of ${p.total}</progress> ${settled} of ${p.total} settled; <span id="d-eta">${eta}</span>.</p>`;
    }
    case 'delivered':
      return html`<ul class="plain" id="d-summary">
<li>Saved to fans' libraries: <strong id="d-saved">${p.done}</strong></li>
<li>Failed: <strong id="d-failed-total">${p.failed}</strong>${
        v.failures.length > 0
          ? html`<ul id="d-reasons">${v.failures.map((f) => html`<li data-reason="${f.reason}">${f.count}: ${REASON_WORDS[f.reason] ?? f.reason}</li>`)}</ul>`
          : ''
      }</li>
<li>Fans who withdrew consent or whose sign-in ended: ${p.revoked}</li>
<li>Release-day reminders sent: <strong id="d-reminders">${v.remindersSent}</strong></li>
</ul>${
        v.now < c.closesAt
          ? html`<p class="muted">Fans who pre-save now, where it is not yet the release day, are delivered at their midnight until ${when(c.closesAt)}.</p>`
          : ''
      }`;
    case 'cancelled':
      return html`<p>The campaign was cancelled: nothing more is saved. ${p.done} pre-saves had been delivered before; ${p.cancelled} were not.</p>`;
  }
}

export function deliveryPanel(v: DeliveryView): Html {
  const p = v.progress;
  const stat = (id: string, label: string, value: number) =>
    html`<div><dt>${label}</dt><dd id="${id}">${value}</dd></div>`;
  return html`<section class="panel" aria-labelledby="delivery-h" id="delivery" data-campaign="${v.campaign.id}" data-phase="${v.phase}" data-phase-until="${v.phase === 'countdown' ? (p.nextDueAt ?? v.campaign.releaseAt) : ''}"><h2 id="delivery-h">Delivery</h2>
<p>State: <strong id="phase">${PHASE_WORDS[v.phase]}</strong></p>
${phaseDetail(v)}
<dl class="stats">${stat('d-total', 'Pre-saves', p.total)}${stat('d-pending', 'Waiting', p.pending)}${stat('d-done', 'Delivered', p.done)}${stat('d-failed', 'Failed', p.failed)}${stat('d-revoked', 'Revoked', p.revoked)}</dl>
<p class="muted">Next wave <span id="d-next">${p.nextDueAt === null ? '–' : when(p.nextDueAt)}</span>. Fans reachable at their release: ${v.ledger.reachable} (of whom ${v.ledger.foreverSave} by forever-save, without a visit); sign-ins ending before it: ${v.ledger.expiringBeforeRelease} (we e-mail those who left an address).</p>
</section>`;
}
