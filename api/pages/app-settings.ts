// The settings page: the account and its address, this member's sign-in (sign out everywhere), API keys (a new one
// shown once), and the members with their roles. Controls a role may not use are not shown; the routes refuse them
// anyway (api/routes/app-settings.ts).
import { type Account } from '../../db/accounts';
import { type Member, MEMBER_ROLES } from '../../db/members';
import { csrfField, flash, signedInPage } from './app-layout';
import { html } from './layout';

const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

export interface SettingsView {
  csrf: string;
  account: Account;
  /** null for a session made with an API key */
  me: Member | null;
  sessions: number;
  keys: readonly { id: string; name: string | null; createdAt: number }[];
  members: readonly Member[];
  canManage: boolean;
  newKey?: string;
  error?: string;
  notice?: string;
}

export function settingsPage(v: SettingsView): string {
  const roleSelect = (m: Member) =>
    html`<form class="inline" method="post" action="/app/members/${m.id}">${csrfField(v.csrf)}
<label class="visually-hidden" for="role-${m.id}">Role of ${m.email}</label>
<select id="role-${m.id}" name="role">${MEMBER_ROLES.map((r) => html`<option value="${r}"${r === m.role ? html` selected` : ''}>${r}</option>`)}<option value="removed">remove from the account</option></select>
<button type="submit" class="secondary">Change</button></form>`;
  return signedInPage({
    title: 'settings',
    section: 'settings',
    csrf: v.csrf,
    body: html`<h1>Settings</h1>
${flash(v)}
${v.newKey ? html`<div class="panel" role="status"><h2>Your new API key</h2><p>Copy it now: it is shown this once, and we keep only its hash.</p><p class="secret" id="new-key">${v.newKey}</p></div>` : ''}
<section class="panel" id="verification" aria-labelledby="account-h">
<h2 id="account-h">Account</h2>
<p><strong>${v.account.name}</strong> · ${v.account.email} · ${
      v.account.emailVerifiedAt === null ? html`<span class="error">address not verified</span>` : 'address verified'
    }</p>
${v.account.emailVerifiedAt === null && v.canManage ? html`<form method="post" action="/app/verification">${csrfField(v.csrf)}<button type="submit" class="secondary">E-mail the verification link again</button></form>` : ''}
</section>
${
  v.me
    ? html`<section class="panel" aria-labelledby="you-h"><h2 id="you-h">Your sign-in</h2>
<p>${v.me.email} · ${v.me.role} · signed in on ${v.sessions} ${v.sessions === 1 ? 'browser' : 'browsers'}</p>
<form method="post" action="/app/sign-out-everywhere">${csrfField(v.csrf)}<button type="submit" class="secondary" id="sign-out-everywhere">Sign out everywhere</button></form>
</section>`
    : ''
}
<section class="panel" aria-labelledby="keys-h">
<h2 id="keys-h">API keys</h2>
<p class="muted">For scripts and integrations: a key uses the whole /v1 API for this account. Revoking one stops it at once.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="API keys"><table id="keys-table"><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>
${v.keys.map(
  (k) =>
    html`<tr><td>${k.name ?? '(made at sign-up)'}</td><td>${when(k.createdAt)}</td><td>${
      v.canManage
        ? html`<form class="inline" method="post" action="/app/keys/${k.id}/revoke">${csrfField(v.csrf)}<button type="submit" class="danger" aria-label="Revoke ${k.name ?? 'key'}">Revoke</button></form>`
        : ''
    }</td></tr>`,
)}
</tbody></table></div>
${v.keys.length === 0 ? html`<p class="muted">No API key yet.</p>` : ''}
${
  v.canManage
    ? html`<form method="post" action="/app/keys">${csrfField(v.csrf)}
<label for="key-name">Name of a new key</label><input id="key-name" name="name" required maxlength="100">
<button type="submit" id="create-key">Create key</button></form>`
    : ''
}
</section>
<section class="panel" aria-labelledby="members-h">
<h2 id="members-h">Members</h2>
<p class="muted">Owners manage members and keys; managers set up and change campaigns; viewers see everything and change nothing.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Members"><table id="members-table"><thead><tr><th scope="col">Address</th><th scope="col">Role</th><th scope="col">State</th></tr></thead><tbody>
${v.members.map(
  (m) =>
    html`<tr><td>${m.email}</td><td>${v.canManage && m.id !== v.me?.id ? roleSelect(m) : m.role}</td><td>${
      m.passwordHash === null ? 'invited' : 'active'
    }</td></tr>`,
)}
</tbody></table></div>
${
  v.canManage
    ? html`<form method="post" action="/app/members">${csrfField(v.csrf)}
<label for="invite-email">Invite by e-mail</label><input id="invite-email" type="email" name="email" required maxlength="320">
<label for="invite-role">Role</label><select id="invite-role" name="role"><option value="viewer">viewer: sees, cannot change</option><option value="manager">manager: runs campaigns</option><option value="owner">owner: also members and keys</option></select>
<button type="submit" id="invite">Send invitation</button></form>`
    : ''
}
</section>`,
  });
}
