// Structured logs with secrets and personal data redacted at the source, whatever the caller passes in.
import pino, { type DestinationStream, type Logger } from 'pino';

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

/** `destination`: where the lines go (default stdout); a test that reads every line gives its own. */
export function createLogger(opts: { level: string; name?: string; destination?: DestinationStream }): Logger {
  const options = {
    level: opts.level,
    name: opts.name,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export type { Logger };
