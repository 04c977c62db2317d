// The page a refused artwork upload without JavaScript answers (../routes/app-artwork.ts): what was wrong, in words,
// that nothing changed, and the way back to the campaign page and its form.
import { signedInPage } from './app-layout';
import { html } from './layout';

export function artworkRefusedPage(input: { csrf: string; message: string; back: string }) {
  return signedInPage({
    title: 'artwork not uploaded',
    section: 'campaigns',
    csrf: input.csrf,
    body: html`<h1>The artwork was not uploaded</h1>
<p class="error" role="alert" id="artwork-error">${input.message} Nothing was changed.</p>
<p><a href="${input.back}">Back to the campaign</a></p>`,
  });
}
