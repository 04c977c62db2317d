// Minimal server-rendered pages for fans. Every interpolated value goes through html``, which escapes it.
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.value : escape(String(v)))).join('')
      : value instanceof Html
        ? value.value
        : value === null || value === undefined || value === false
          ? ''
          : escape(String(value));
    out += rendered + strings[i + 1];
  });
  return new Html(out);
}

/** A whole HTML document: our own stylesheet and (optional) script only, as the CSP allows. */
/** `refreshTo`: a path of ours the page moves on to at once (a navigation the page starts, so it is same-site). */
export function htmlDocument(input: {
  title: string;
  stylesheet: string;
  body: Html;
  script?: string;
  refreshTo?: string;
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${
  input.refreshTo
    ? html`<meta http-equiv="refresh" content="0;url=${input.refreshTo}">
`
    : ''
}<title>${input.title}</title>
<link rel="stylesheet" href="${input.stylesheet}">
</head>
<body>
${input.body}
${input.script ? html`<script src="${input.script}"></script>` : ''}
</body>
</html>`.value;
}

/** A page of the fan's side (smart link, thank-you, privacy). */
export function page(title: string, body: Html): string {
  return htmlDocument({
    title,
    stylesheet: '/static/smart-link.css',
    body: html`<main class="card">
${body}
</main>`,
    script: '/static/smart-link.js',
  });
}
