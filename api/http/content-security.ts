// Adds sources to this response's Content-Security-Policy (set by helmet), for the pages that need a third party's
// script or connection (the artist's Meta pixel, MusicKit); every other page keeps the strict default.
import { type Response } from 'express';

export function addContentSecuritySources(res: Response, sources: Record<string, string[]>): void {
  const current = String(res.getHeader('Content-Security-Policy') ?? "default-src 'self'");
  const directives = new Map<string, string[]>();
  for (const part of current
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    directives.set(name, values);
  }
  for (const [name, added] of Object.entries(sources)) {
    const values = directives.get(name) ?? ["'self'"];
    directives.set(name, [...values, ...added.filter((s) => !values.includes(s))]);
  }
  res.setHeader(
    'Content-Security-Policy',
    [...directives].map(([name, values]) => [name, ...values].join(' ')).join(';'),
  );
}
