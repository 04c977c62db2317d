// The artist app's "Sign in with Google" pages: the button, linking Google to a sign-in that exists (its password
// proves it is yours), naming a new account, and what went wrong, in words for people.
import { PASSWORD_MAX_LENGTH } from '../../lib/crypto/password';
import { csrfField, flash, signedOutPage } from './app-layout';
import { html, htmlDocument, type Html } from './layout';

export function googleButton(csrf: string): Html {
  return html`<form method="post" action="/app/sign-in/google" class="google">
${csrfField(csrf)}
<button type="submit" id="google-sign-in" class="secondary">Sign in with Google</button>
</form>`;
}

export function linkGooglePage(input: { csrf: string; pending: string; email: string; error?: string }) {
  return signedOutPage(
    'link your Google account',
    html`<h1>Link your Google account</h1>
<p>${input.email} already signs in to dropday with a password. Enter that password once to sign in with Google from now on.</p>
${flash(input)}
<form method="post" action="/app/sign-in/google/link">
${csrfField(input.csrf)}<input type="hidden" name="pending" value="${input.pending}">
<label for="password">dropday password</label>
<input id="password" type="password" name="password" autocomplete="current-password" required maxlength="${PASSWORD_MAX_LENGTH}">
<button type="submit" id="link-google">Link and sign in</button>
</form>
<p><a href="/app/reset">Forgot the password?</a> · <a href="/app">Cancel</a></p>`,
  );
}

export function newGoogleAccountPage(input: {
  csrf: string;
  pending: string;
  email: string;
  name?: string | null;
  error?: string;
}) {
  return signedOutPage(
    'create your account',
    html`<h1>Create your dropday account</h1>
<p>You will sign in with Google as ${input.email}.</p>
${flash(input)}
<form method="post" action="/app/sign-in/google/new">
${csrfField(input.csrf)}<input type="hidden" name="pending" value="${input.pending}">
<label for="name">Artist, manager or label name</label>
<input id="name" name="name" required maxlength="200" autocomplete="organization" value="${input.name ?? ''}">
<button type="submit" id="create-google-account">Create account</button>
</form>
<p><a href="/app">Cancel</a></p>`,
  );
}

export function googleProblemPage(title: string, text: string) {
  return signedOutPage(
    title.toLowerCase(),
    html`<h1>${title}</h1>
<p class="error" role="alert">${text}</p>
<p><a href="/app">Back to sign-in</a></p>`,
  );
}

/**
 * Signed in: the page moves on to the app itself. A redirect would not do: the browser came from Google, and a
 * SameSite=Strict session cookie is not sent on a navigation that a cross-site page started.
 */
export function signedInWithGooglePage(): string {
  return htmlDocument({
    title: 'dropday — signed in',
    stylesheet: '/app/app.css',
    refreshTo: '/app',
    body: html`<main class="signin"><h1>Signed in</h1><p><a href="/app" id="continue">Continue to dropday</a></p></main>`,
  });
}
