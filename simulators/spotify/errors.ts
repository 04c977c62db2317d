import type { Response } from 'express';

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
