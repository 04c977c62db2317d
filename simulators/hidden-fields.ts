// A sandbox consent page posts back what the provider's authorize URL carried: its query as hidden form fields.
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const hiddenFields = (query: Record<string, unknown>) =>
  Object.entries(query)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(String(v))}">`)
    .join('');

/**
 * Where the sandbox consent page's answer goes: the redirect URI with the state, or null once the refusal
 * (`error=access_denied`, Meta's and Instagram's words) has been sent.
 */
export function consentTarget(
  form: Record<string, string>,
  res: { redirect(status: number, url: string): void },
  refusal: Record<string, string> = {},
): URL | null {
  const target = new URL(form.redirect_uri);
  target.searchParams.set('state', form.state ?? '');
  if (form.decision === 'accept') return target;
  for (const [k, v] of Object.entries({ error: 'access_denied', error_reason: 'user_denied', ...refusal }))
    target.searchParams.set(k, v);
  res.redirect(302, target.toString());
  return null;
}
