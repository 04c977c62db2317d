// The connections page of the artist app: each service dropday works with, its state in words (connected, expiring,
// needs reconnecting, not connected), and connect / disconnect. Disconnecting first shows what it will do and asks
// to tick that you understand. Viewers see the states, not the buttons (the routes refuse them anyway).
import { type Connection } from '../../db/connections';
import { type DisconnectPreview } from '../connection-disconnect';
import { csrfField, flash, signedInPage } from './app-layout';
import { html, type Html } from './layout';

export type ConnectionState = 'active' | 'expiring' | 'needs_reconnect' | 'not_connected';

export interface ServiceView {
  /** the connect route's provider, or null for a service that needs no connection of the artist's (Apple Music) */
  provider: 'spotify' | 'meta' | 'google' | 'instagram' | null;
  label: string;
  /** what dropday does with it, in a sentence */
  uses: string;
  configured: boolean;
  connections: readonly { connection: Connection; state: ConnectionState }[];
}

const STATE_WORDS: Record<ConnectionState, string> = {
  active: 'Connected',
  expiring: 'Expiring soon: reconnect to keep it working',
  needs_reconnect: 'Needs reconnecting: the service stopped accepting dropday’s access',
  not_connected: 'Not connected',
};

const when = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 10));

function serviceRow(s: ServiceView, v: { csrf: string; canChange: boolean }): Html {
  const connectButton = (again: boolean) =>
    s.provider && s.configured && v.canChange
      ? html`<form class="inline" method="post" action="/app/connections/${s.provider}">${csrfField(v.csrf)}<button type="submit" id="connect-${s.provider}"${again ? html` class="secondary"` : ''}>${again ? 'Reconnect' : 'Connect'} ${s.label}</button></form>`
      : '';
  const rows = s.connections.map(
    ({ connection: c, state }) => html`<li class="connection" data-state="${state}">
<p><strong id="state-${c.id}">${STATE_WORDS[state]}</strong>${c.displayName ? html` · @${c.displayName}` : ''} <span class="muted">since ${when(c.createdAt)}${c.accessExpiresAt !== null && state !== 'needs_reconnect' ? html`, access renewed by ${when(c.accessExpiresAt)}` : ''}</span></p>
${v.canChange ? html`<p><a class="button-link" id="disconnect-${c.id}" href="/app/connections/${c.id}/disconnect">Disconnect…</a></p>` : ''}
</li>`,
  );
  const needsAgain = s.connections.some((c) => c.state !== 'active');
  return html`<section class="panel" aria-labelledby="svc-${s.label.replace(/\W/g, '')}">
<h2 id="svc-${s.label.replace(/\W/g, '')}">${s.label}</h2>
<p class="muted">${s.uses}</p>
${
  s.provider === null
    ? html`<p><strong>${s.configured ? 'Ready: nothing to connect' : 'Not available here'}</strong></p>`
    : s.connections.length
      ? html`<ul class="plain">${rows}</ul>${needsAgain || s.provider === 'instagram' ? connectButton(s.provider !== 'instagram') : ''}`
      : html`<p><strong>${s.configured ? STATE_WORDS.not_connected : 'Not available here (no app credentials configured)'}</strong></p>${connectButton(false)}`
}
</section>`;
}

export function connectionsPage(v: {
  csrf: string;
  services: readonly ServiceView[];
  canChange: boolean;
  notice?: string;
  error?: string;
}): string {
  return signedInPage({
    title: 'connections',
    section: 'connections',
    csrf: v.csrf,
    body: html`<h1>Connections</h1>
<p class="muted">The services dropday works with for you. ${v.canChange ? '' : 'You can see them; an owner or manager connects and disconnects.'}</p>
${flash(v)}
${v.services.map((s) => serviceRow(s, v))}`,
  });
}

/** What disconnecting will do, asked before it is done. */
export function disconnectPage(v: { csrf: string; label: string; preview: DisconnectPreview; error?: string }): string {
  const c = v.preview.connection;
  const blocked = v.preview.openAdCampaignIds.length + v.preview.openPostIds.length > 0;
  const effects: Record<Connection['provider'], string> = {
    meta: 'dropday can no longer create, launch, pause or read the insights of Meta ads for you. Past campaigns’ results stay.',
    google:
      'dropday can no longer create, launch, pause or read the insights of Google Ads campaigns for you. Past campaigns’ results stay.',
    instagram:
      'dropday can no longer publish posts to this Instagram account, and its comments and messages in your dropday inbox are erased at once.',
    spotify:
      'dropday stops reading your Spotify artist profile. Your fans’ pre-saves are not affected: they use the fans’ own Spotify sign-ins.',
  };
  return signedInPage({
    title: `disconnect ${v.label}`,
    section: 'connections',
    csrf: v.csrf,
    body: html`<h1>Disconnect ${v.label}${c.displayName ? html` (@${c.displayName})` : ''}?</h1>
${flash(v)}
<p>${effects[c.provider]} dropday also asks ${v.label} to revoke its access and forgets the tokens.</p>
${
  blocked
    ? html`<p class="error" role="alert">Not yet: ${
        v.preview.openAdCampaignIds.length
          ? `${v.preview.openAdCampaignIds.length} ad ${v.preview.openAdCampaignIds.length === 1 ? 'campaign still runs or waits' : 'campaigns still run or wait'} to launch with it`
          : `${v.preview.openPostIds.length} ${v.preview.openPostIds.length === 1 ? 'post still waits' : 'posts still wait'} to go out with it`
      }. Without the connection dropday could no longer pause or cancel ${v.preview.openAdCampaignIds.length ? 'them, and they would keep spending' : 'them'}: cancel them first.</p>
<p><a href="/app/connections">Back to connections</a></p>`
    : html`<form method="post" action="/app/connections/${c.id}/disconnect">${csrfField(v.csrf)}
<label class="choice"><input type="checkbox" name="confirm" value="yes" required> <span>I understand what disconnecting ${v.label} does.</span></label>
<button type="submit" class="danger" id="confirm-disconnect">Disconnect ${v.label}</button>
</form>
<p><a href="/app/connections">Keep it connected</a></p>`
}`,
  });
}
