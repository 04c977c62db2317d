// The signed-out pages of the artist app: sign in (password, or an API key for scripts), sign up, ask for and set a
// new password, accept an invitation. Every message about a sign-in is the same whether or not the address exists.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../lib/crypto/password';
import { csrfField, flash, signedOutPage } from './app-layout';
import { googleButton } from './app-google';
import { html } from './layout';

const passwordInput = (id: string, autocomplete: 'new-password' | 'current-password') =>
  html`<input id="${id}" type="password" name="password" autocomplete="${autocomplete}" required${
    autocomplete === 'new-password' ? html` minlength="${PASSWORD_MIN_LENGTH}"` : ''
  } maxlength="${PASSWORD_MAX_LENGTH}">`;

export const SIGN_IN_REFUSED =
  'That e-mail address and password do not sign in. After several wrong tries a sign-in is paused for 15 minutes; you can also reset your password.';

/** `next`: where to go once signed in (only a link of ours that needs a session, checked by the route). */
/** `google`: offer "Sign in with Google" (when it is configured). */
export function signInPage(input: {
  csrf: string;
  error?: string;
  notice?: string;
  next?: string;
  email?: string;
  google?: boolean;
}) {
  const next = input.next ? html`<input type="hidden" name="next" value="${input.next}">` : '';
  return signedOutPage(
    'sign in',
    html`<h1>Sign in to dropday</h1>
${flash(input)}
<form method="post" action="/app/sign-in">
${csrfField(input.csrf)}${next}
<label for="email">E-mail address</label>
<input id="email" type="email" name="email" autocomplete="username" required maxlength="320" value="${input.email ?? ''}">
<label for="password">Password</label>
${passwordInput('password', 'current-password')}
<button type="submit" id="sign-in">Sign in</button>
</form>
${input.google ? googleButton(input.csrf) : ''}
<p><a href="/app/reset">Forgot your password?</a> · <a href="/app/sign-up">Create an account</a></p>
<details>
<summary>Sign in with an API key</summary>
<p class="muted">For scripts and the API's users: the key is checked once and not kept in the browser; the session can read, not change.</p>
<form method="post" action="/app/session">
${next}
<label for="key">API key</label>
<input id="key" type="password" name="key" autocomplete="off" required>
<button type="submit" id="key-sign-in">Sign in with the key</button>
</form>
</details>`,
  );
}

export function signUpPage(input: { csrf: string; error?: string; name?: string; email?: string; google?: boolean }) {
  return signedOutPage(
    'create an account',
    html`<h1>Create your dropday account</h1>
<p class="muted">For an artist, a manager or a label. We e-mail you a link to verify your address.</p>
${flash(input)}
<form method="post" action="/app/sign-up">
${csrfField(input.csrf)}
<label for="name">Artist, manager or label name</label>
<input id="name" name="name" required maxlength="200" autocomplete="organization" value="${input.name ?? ''}">
<label for="email">E-mail address</label>
<input id="email" type="email" name="email" autocomplete="email" required maxlength="320" value="${input.email ?? ''}">
<label for="password">Password <span class="muted">(at least ${PASSWORD_MIN_LENGTH} characters)</span></label>
${passwordInput('password', 'new-password')}
<button type="submit" id="sign-up">Create account</button>
</form>
${input.google ? googleButton(input.csrf) : ''}
<p><a href="/app">I have an account</a></p>`,
  );
}

/** After a sign-up, whether or not the address was new (api/member-accounts.ts says why it must not tell). */
export function signUpSentPage() {
  return signedOutPage(
    'check your inbox',
    html`<h1>Check your inbox</h1>
<p class="notice" role="status">We sent an e-mail to the address you gave. Open its link within 48 hours to verify the address and sign in.</p>
<p>Nothing arrived after a few minutes? Look in your spam folder, or <a href="/app/sign-up">sign up again</a>. If the address already has a dropday account, the e-mail says so: <a href="/app">sign in</a> or <a href="/app/reset">reset your password</a>.</p>`,
  );
}

export function resetRequestPage(input: { csrf: string; sent?: boolean; error?: string }) {
  return signedOutPage(
    'reset your password',
    html`<h1>Reset your password</h1>
${flash({
  error: input.error,
  notice: input.sent
    ? 'If that address signs in to dropday, a link to choose a new password is on its way. It works for an hour.'
    : undefined,
})}
<form method="post" action="/app/reset">
${csrfField(input.csrf)}
<label for="email">E-mail address</label>
<input id="email" type="email" name="email" autocomplete="email" required maxlength="320">
<button type="submit">Send the link</button>
</form>
<p><a href="/app">Back to sign-in</a></p>`,
  );
}

/** Choosing a password from a mailed link: a reset, or accepting an invitation (`heading` says which). */
export function choosePasswordPage(input: {
  csrf: string;
  action: string;
  heading: string;
  intro: string;
  error?: string;
  /** an invitation's page: the form that accepts it with Google instead (when Google sign-in is configured) */
  google?: { action: string; email: string };
}) {
  return signedOutPage(
    input.heading,
    html`<h1>${input.heading}</h1>
<p>${input.intro}</p>
${flash(input)}
<form method="post" action="${input.action}">
${csrfField(input.csrf)}
<label for="password">New password <span class="muted">(at least ${PASSWORD_MIN_LENGTH} characters)</span></label>
${passwordInput('password', 'new-password')}
<button type="submit" id="choose-password">Save and sign in</button>
</form>
${
  input.google
    ? html`<p>Or, without a password, with the Google account of ${input.google.email}:</p>
<form method="post" action="${input.google.action}" class="google">
${csrfField(input.csrf)}
<button type="submit" id="accept-with-google" class="secondary">Accept with Google</button>
</form>`
    : ''
}`,
  );
}

export function linkNotValidPage(what: string) {
  return signedOutPage(
    'link not valid',
    html`<h1>Link not valid</h1>
<p class="error" role="alert">This ${what} link is not valid any more: it expired, was used already, or a newer one was sent. Nothing was changed.</p>
<p><a href="/app">Go to sign-in</a></p>`,
  );
}
