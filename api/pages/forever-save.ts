// What fans see of forever-save (docs/forever-save.md): the box on the smart link (unticked), the note on the
// thank-you page, the stop page and the deletion page's list. The words are the catalogue's, in the fan's language
// (lib/forever-save-text.ts).
import { foreverSaveText } from '../../lib/forever-save-text';
import { type Lang } from '../../lib/i18n';
import { type FanPage, type Html, html, page } from './layout';

/** The smart link's box, next to the pre-save buttons; their scripts read it (unticked unless the fan ticks it). */
export function foreverSaveBox(artistName: string, lang: Lang): Html {
  return html`<label class="forever-save note"><input type="checkbox" id="forever-save" name="forever" value="1"> ${foreverSaveText(lang).consent({ artist: artistName })}</label>`;
}

/** On the thank-you page of a fan whose forever-save with this artist is on: what it does, and its stop link. */
export function foreverSaveThanksNote(artistName: string, stopLink: string, lang: Lang): Html {
  const t = foreverSaveText(lang);
  return html`<p class="note">${t.thanks({ artist: artistName })} <a href="${stopLink}">${t.stopLinkLabel}</a></p>`;
}

/** The stop link's page: a button, not an action, since mail scanners follow links. */
export function foreverSaveStopPage(artistName: string, action: string, fan: FanPage): string {
  const t = foreverSaveText(fan.language.lang);
  return page(
    t.stopQuestion({ artist: artistName }),
    html`<h1>${t.stopQuestion({ artist: artistName })}</h1>
<form method="post" action="${action}"><button class="button" type="submit">${t.stopButton}</button></form>`,
    fan,
  );
}

/** The deletion page's list of the opt-ins this browser's fan has, each with its stop button. */
export function foreverSaveDeletionSection(
  optIns: readonly { artistName: string; stopAction: string }[],
  lang: Lang,
): Html {
  const t = foreverSaveText(lang);
  const items = optIns.map(
    (o) =>
      html`<li>${o.artistName} <form method="post" action="${o.stopAction}"><button type="submit">${t.stopButton}</button></form></li>`,
  );
  return html`<h2>${t.deletionHeading}</h2>
${optIns.length ? html`<ul class="forever-saves">${items}</ul>` : html`<p class="note">${t.deletionNone}</p>`}`;
}
