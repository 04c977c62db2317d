// The frame of the artist app's pages: signed out, one centred card; signed in, a top bar with the app's sections
// and sign-out. Forms carry the anti-forgery field (api/http/form-csrf.ts) through `csrfField`.
import { html, htmlDocument, type Html } from './layout';

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

/** A message above a form: an error is announced (role=alert), a notice politely (role=status). */
export function flash(input: { error?: string; notice?: string }): Html {
  return html`${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}${
    input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''
  }`;
}

export function signedOutPage(title: string, body: Html): string {
  return htmlDocument({
    title: `dropday — ${title}`,
    stylesheet: '/app/app.css',
    body: html`<main class="signin">${body}</main>`,
  });
}

export type AppSection = 'campaigns' | 'new-campaign' | 'artists' | 'connections' | 'settings' | 'billing' | 'privacy';

/** The signed-in top bar: the app's sections (the current one marked for screen readers) and sign-out. */
export function appHeader(section: AppSection, csrf: string): Html {
  const link = (to: AppSection, href: string, label: string) =>
    html`<li><a href="${href}"${to === section ? html` aria-current="page"` : ''}>${label}</a></li>`;
  return html`<header class="topbar">
<a class="brand" href="/app">dropday</a>
<nav aria-label="App"><ul class="app-nav">
${link('campaigns', '/app', 'Campaigns')}${link('new-campaign', '/app/campaigns/new', 'New campaign')}${link('artists', '/app/artists', 'Artists')}${link('connections', '/app/connections', 'Connections')}${link('settings', '/app/settings', 'Settings')}${link('billing', '/app/billing', 'Billing')}${link('privacy', '/app/privacy', 'Privacy')}
</ul></nav>
<form method="post" action="/app/logout">${csrfField(csrf)}<button type="submit" id="sign-out">Sign out</button></form>
</header>`;
}

export function signedInPage(input: { title: string; section: AppSection; csrf: string; body: Html; script?: string }) {
  return htmlDocument({
    title: `dropday — ${input.title}`,
    stylesheet: '/app/app.css',
    body: html`${appHeader(input.section, input.csrf)}
<main class="page">
${input.body}
</main>`,
    script: input.script,
  });
}
