/** HTML of the accounts service: the consent page and its error pages. */

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.75rem 0}input[type=text]{width:100%;padding:.4rem}
button{padding:.6rem 1.2rem;margin-right:.5rem;border-radius:2rem;border:0;font-weight:600}
button[value=accept]{background:#1ed760}</style></head>
<body>${body}</body>
</html>`;
}

export interface ConsentPageInput {
  appName: string;
  scopes: string[];
  /** The original /authorize query, carried through the form so the POST can re-validate it. */
  authorizeParams: Record<string, string>;
}

export function renderConsentPage({ appName, scopes, authorizeParams }: ConsentPageInput): string {
  const hidden = Object.entries(authorizeParams)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n    ');
  const scopeItems = scopes.length
    ? scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('')
    : '<li>See your public profile</li>';
  return page(
    `Sandbox Spotify — ${appName}`,
    `<h1>Sandbox Spotify — ${escapeHtml(appName)} wants to: ${escapeHtml(scopes.join(', ') || 'see your public profile')}</h1>
  <ul>${scopeItems}</ul>
  <form method="post" action="/authorize">
    ${hidden}
    <label>Display name <input type="text" name="display_name" value="Sandbox Fan"></label>
    <label>Existing sandbox user id (optional) <input type="text" name="user" value=""></label>
    <label>Country <input type="text" name="country" value="SE" maxlength="2"></label>
    <button type="submit" name="decision" value="accept">Agree</button>
    <button type="submit" name="decision" value="deny">Cancel</button>
  </form>`,
  );
}

export function renderErrorPage(message: string): string {
  return page(
    'Sandbox Spotify — Error',
    `<h1>Oops! Something went wrong</h1>\n  <p id="error">${escapeHtml(message)}</p>`,
  );
}
