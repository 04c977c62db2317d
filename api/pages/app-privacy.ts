// The privacy page of the artist app: the account's data to download (everything as JSON, each campaign's pre-saves
// and subscribers as CSV), where fans delete their own data, and the account's deletion, saying in numbers what is
// deleted, what is stopped (its Stripe subscription too) and what is kept before the owner confirms (DELETE /v1/accounts/me from /app/setup.js).
import { type ListedCampaign } from '../../db/campaigns';
import { csrfField, signedInPage } from './app-layout';
import { html } from './layout';

export interface PrivacyView {
  csrf: string;
  accountName: string;
  isOwner: boolean;
  campaigns: readonly ListedCampaign[];
  artists: number;
  members: number;
  apiKeys: number;
  connections: number;
  /** ad campaigns being created, waiting to launch or running */
  openAds: number;
  /** the plan of a Stripe subscription still charging, which the deletion cancels at once */
  subscription: string | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function privacyPage(v: PrivacyView): string {
  const open = v.campaigns.filter((c) => c.status === 'scheduled' || c.status === 'releasing');
  const waiting = open.reduce((sum, c) => sum + c.progress.pending, 0);
  const presaves = v.campaigns.reduce((sum, c) => sum + c.progress.total, 0);
  return signedInPage({
    title: 'privacy',
    section: 'privacy',
    csrf: v.csrf,
    script: '/app/setup.js',
    body: html`<h1>Privacy and your data</h1>
<section class="panel" aria-labelledby="export-h"><h2 id="export-h">Download your data</h2>
<p><a id="export-account" href="/v1/accounts/me/export" download>Everything about ${v.accountName} (JSON)</a>: the account, members, API key names, plan, artists, campaigns with their counts, connections (never their tokens), approved ad copy and ad campaigns.</p>
${
  v.campaigns.length
    ? html`<ul class="plain" id="campaign-exports">${v.campaigns.map(
        (c) =>
          html`<li>${c.title}: <a href="/v1/campaigns/${c.id}/presaves.csv" download>pre-saves (CSV)</a> · <a href="/v1/campaigns/${c.id}/fans.csv" download>subscribers (CSV)</a></li>`,
      )}</ul>`
    : ''
}
<p class="muted">Fans see, export and delete their own data from the smart link's privacy page (<a href="/privacy/delete">/privacy/delete</a>).</p>
</section>
<section class="panel" aria-labelledby="delete-h" id="delete-account"><h2 id="delete-h">Delete the account</h2>
<h3>Stopped at once</h3>
<ul id="deletion-stops">
<li>${plural(open.length, 'campaign')} still to release: ${plural(waiting, 'fan')} waiting for their pre-save get nothing saved, and the smart links stop working.</li>
<li>${plural(v.openAds, 'ad campaign')} waiting or running: paused at Meta / Google Ads (removed if not launched yet), so nothing more is spent.</li>
${v.subscription ? html`<li id="deletion-subscription">Your ${v.subscription} subscription is cancelled at Stripe at once: nothing more is charged (the period already paid is not refunded).</li>` : ''}
<li>${plural(v.apiKeys, 'API key')} and the sign-ins of ${plural(v.members, 'member')} stop working.</li>
</ul>
<h3>Deleted</h3>
<ul id="deletion-deletes">
<li>The account, its members and ${plural(v.artists, 'artist')}.</li>
<li>${plural(v.campaigns.length, 'campaign')} with ${plural(presaves, 'pre-save')}, analytics, subscribers and ad copy; fans who pre-saved only with you are deleted with their streaming sign-ins.</li>
<li>${plural(v.connections, 'connected account')} (Meta, Google Ads, Spotify, Instagram): dropday forgets their tokens.</li>
<li>The history of every workflow that ran for the account.</li>
</ul>
<h3>Kept</h3>
<ul><li>Shop orders for bookkeeping, without the buyer's address; an audit record of ids and counts (no personal data).</li></ul>
${
  v.isOwner
    ? html`<form id="delete-form" data-api="/v1/accounts/me" data-method="DELETE" data-done="The account is being deleted. Its sessions, keys and smart links stopped; the rest is gone within minutes.">${csrfField(v.csrf)}
<p class="error" role="alert" data-error hidden></p>
<label class="choice"><input type="checkbox" name="confirm" required> <span>I understand: ${v.accountName} and everything above is deleted, and this cannot be undone.</span></label>
<button type="submit" class="danger" id="delete-account-button">Delete the account</button></form>`
    : html`<p class="muted">Only an owner can delete the account.</p>`
}
</section>`,
  });
}
