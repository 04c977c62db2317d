// A sandbox consent page posts back what the provider's authorize URL carried: its query as hidden form fields.
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const hiddenFields = (query: Record<string, unknown>) =>
  Object.entries(query)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(String(v))}">`)
    .join('');
