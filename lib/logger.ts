// Structured logs with secrets and personal data redacted at the source, whatever the caller passes in.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.email',
  '*.code_verifier',
  '*.codeVerifier',
  'apiKey',
  'email',
  'token',
];

export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino({
    level: opts.level,
    name: opts.name,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  });
}

export type { Logger };
