// What fans see of forever-save (docs/forever-save.md): the box on the smart link (unticked), the note on the
// thank-you page, the stop page and the deletion page's list. The words are lib/forever-save-text.ts's.
import { FOREVER_SAVE_TEXT } from '../../lib/forever-save-text';
import { type Html, html, page } from './layout';

/** The smart link's box, next to the pre-save buttons; their scripts read it (unticked unless the fan ticks it). */
export function foreverSaveBox(artistName: string): Html {
  return html`<label class="forever-save note"><input type="checkbox" id="forever-save" name="forever" value="1"> ${FOREVER_SAVE_TEXT.consent(artistName)}</label>`;
}

/** On the thank-you page of a fan whose forever-save with this artist is on: what it does, and its stop link. */
export function foreverSaveThanksNote(artistName: string, stopLink: string): Html {
  return html`<p class="note">${FOREVER_SAVE_TEXT.thanks(artistName)} <a href="${stopLink}">${FOREVER_SAVE_TEXT.stopLinkLabel}</a></p>`;
}

/** The stop link's page: a button, not an action, since mail scanners follow links. */
export function foreverSaveStopPage(artistName: string, action: string): string {
  const t = FOREVER_SAVE_TEXT;
  return page(
    t.stopQuestion(artistName),
    html`<h1>${t.stopQuestion(artistName)}</h1>
<form method="post" action="${action}"><button class="button" type="submit">${t.stopButton}</button></form>`,
  );
}

/** The deletion page's list of the opt-ins this browser's fan has, each with its stop button. */
export function foreverSaveDeletionSection(optIns: readonly { artistName: string; stopAction: string }[]): Html {
  const t = FOREVER_SAVE_TEXT;
  const items = optIns.map(
    (o) =>
      html`<li>${o.artistName} <form method="post" action="${o.stopAction}"><button type="submit">${t.stopButton}</button></form></li>`,
  );
  return html`<h2>${t.deletionHeading}</h2>
${optIns.length ? html`<ul class="forever-saves">${items}</ul>` : html`<p class="note">${t.deletionNone}</p>`}`;
}
