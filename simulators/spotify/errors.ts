import type { Response } from 'express';
import { clientErrorStatus, type ErrorEnvelope } from '../json-fallbacks';

/** Web API error body: every non-2xx from api.spotify.com wraps an ErrorObject under `error`. */
export function sendApiError(
  res: Response,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  res.status(status).json({ error: { status, message, ...extra } });
}

/** Accounts-service (/api/token) errors use the flat OAuth shape, not the Web API wrapper. */
export function sendOAuthError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

/** Thrown by state operations driven from the control API; carries the HTTP status to answer with. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Unknown paths and the simulator's own failures: the accounts service's flat shape, else the Web API wrapper. */
export const spotifyErrorEnvelope: ErrorEnvelope = {
  notFound: () => ({ status: 404, body: { error: { status: 404, message: 'Service not found' } } }),
  failed: (error, req) => {
    const status = clientErrorStatus(error) ?? 500;
    const accounts = req.path === '/authorize' || req.path.startsWith('/api/');
    if (accounts) {
      const code = status === 500 ? 'server_error' : 'invalid_request';
      return { status, body: { error: code, error_description: status === 500 ? 'Server error' : 'Bad request' } };
    }
    return { status, body: { error: { status, message: status === 500 ? 'Server error' : 'Bad request' } } };
  },
};
