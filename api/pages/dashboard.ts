// The artist dashboard: the shell that /app/app.js fills from the /v1 API, and the connect confirmation's pages.
import { appHeader } from './app-layout';
import { html, htmlDocument, type Html } from './layout';

function dashboardPage(title: string, body: Html): string {
  return htmlDocument({ title, stylesheet: '/app/app.css', body });
}

/** `notice`: a line above the campaigns (the verification reminder, a welcome). */
export function dashboardShell(csrf: string, notice?: Html): string {
  return dashboardPage(
    'dropday — dashboard',
    html`${appHeader('campaigns', csrf)}
${notice ?? ''}
<div class="layout">
<nav>
<h2>Campaigns</h2>
<ul id="campaign-list"><li class="muted">Loading…</li></ul>
</nav>
<main>
<p id="pick" class="muted">Pick a campaign.</p>
<section id="campaign" hidden>
<h1 id="campaign-title"></h1>
<p id="campaign-meta" class="muted"></p>
<p><a id="campaign-page" href="/app">Open the campaign page: delivery per fan, export, reschedule, cancel</a></p>
<div class="panel">
<h2>Release-day delivery</h2>
<svg id="progress-bar" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label="delivery progress">
<rect class="track" x="0" y="0" width="100" height="4"></rect><rect id="progress-fill" class="fill" x="0" y="0" width="0" height="4"></rect>
</svg>
<dl id="progress" class="stats">
<div><dt>Delivered</dt><dd id="progress-done">–</dd></div>
<div><dt>Pending</dt><dd id="progress-pending">–</dd></div>
<div><dt>Failed</dt><dd id="progress-failed">–</dd></div>
<div><dt>Revoked</dt><dd id="progress-revoked">–</dd></div>
<div><dt>Total</dt><dd id="progress-total">–</dd></div>
</dl>
<p class="muted">Next wave <span id="next-wave">–</span> · refreshed <span id="progress-updated">–</span> (every 5 s)</p>
</div>
<div class="panel">
<h2>Funnel</h2>
<svg id="funnel-chart" role="img" aria-label="funnel"></svg>
</div>
<div class="panel">
<h2>Activity <select id="bucket" aria-label="bucket"><option value="day">by day, 30 days</option><option value="hour">by hour, 48 hours</option></select></h2>
<svg id="series-chart" role="img" aria-label="events over time"></svg>
<ul id="series-legend" class="legend"></ul>
</div>
<div class="panel">
<h2>Sources</h2>
<table id="sources-table"><thead><tr><th>Channel</th><th>Source</th><th>Medium</th><th>Views</th><th>Clicks</th><th>Authorisations</th><th>Sign-ups</th><th>Value</th></tr></thead><tbody></tbody></table>
</div>
<div class="panel two">
<div><h2>Value <span class="muted">(points)</span></h2><p>Total <strong id="value-total">–</strong></p>
<table id="value-table"><thead><tr><th>Event</th><th>Count</th><th>Points each</th><th>Value</th></tr></thead><tbody></tbody></table></div>
<div><h2>Delivery by zone</h2>
<table id="zones-table"><thead><tr><th>Zone</th><th>Delivered</th><th>Pending</th><th>Failed</th><th>Total</th></tr></thead><tbody></tbody></table>
<h2>Delivery by platform</h2>
<table id="platforms-table"><thead><tr><th>Platform</th><th>Delivered</th><th>Pending</th><th>Needs sign-in again</th><th>Failed</th><th>Total</th></tr></thead><tbody></tbody></table></div>
</div>
<div class="panel">
<h2>Abuse flags</h2>
<p id="flags-summary" class="muted"></p>
<table id="flags-table"><thead><tr><th>When</th><th>Event</th><th>Why</th></tr></thead><tbody></tbody></table>
</div>
</section>
</main>
</div>
<script src="/app/app.js"></script>`,
  );
}

/** POST /v1/connections/:provider's link: names the dropday account the provider account will be connected to. */
export function connectConfirmPage(input: {
  label: string;
  accountName: string;
  action: string;
  csrf: string;
}): string {
  return dashboardPage(
    `dropday — connect ${input.label}`,
    html`<main class="signin">
      <h1>Connect ${input.label}?</h1>
      <p>
        You are signed in to the dropday account <strong>${input.accountName}</strong>. Continue to ${input.label} to
        let this account run ads with the ${input.label} account you choose there.
      </p>
      <p class="muted">Did not ask for this? Close the page: nothing is connected unless you continue.</p>
      <form method="post" action="${input.action}">
        <input type="hidden" name="csrf" value="${input.csrf}" />
        <button type="submit">Continue to ${input.label}</button>
      </form>
    </main>`,
  );
}

export function connectRefusedPage(title: string, why: string): string {
  return dashboardPage(
    `dropday — ${title}`,
    html`<main class="signin">
      <h1>${title}</h1>
      <p class="error" role="alert">${why}</p>
      <p><a href="/app">Open the dashboard</a></p>
    </main>`,
  );
}
