// Twilio's Messages API (docs/providers/twilio.md): POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
// form-encoded To / From / Body, HTTP basic auth (Account SID or API key SID : secret); 201 with the message's
// `sid`. Errors come as {code, message, more_info, status}: 20003 / 401 → token_invalid (credentials refused);
// 20429 / 429 → rate_limited (Retry-After when given); 21610 (the recipient replied STOP) → recipient_opted_out,
// final: the caller unsubscribes them and drops the message; other 4xx → invalid_request; 5xx → unavailable.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

export interface TwilioCredentials {
  accountSid: string;
  /** the Account SID again, or an API key SID (SK…) */
  username: string;
  password: string;
  from: string;
}

/** Twilio's code for a recipient who opted out (replied STOP): nothing is sent to them again. */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = 21610;

export class TwilioClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly credentials: TwilioCredentials,
    opts: { apiUrl: string; timeoutMs?: number; onCall?: OnProviderCall },
  ) {
    this.http = new ProviderHttp({
      provider: 'twilio',
      label: 'Twilio',
      baseURL: opts.apiUrl.replace(/\/$/, ''),
      timeoutMs: opts.timeoutMs ?? 15_000,
      onCall: opts.onCall,
      classify: classifyTwilioAnswer,
    });
  }

  /** Sends one SMS; the message's sid. A write: cut before the answer, it may have been sent (outcome_unknown). */
  async sendSms(input: { to: string; body: string }): Promise<{ sid: string }> {
    const { accountSid, username, password, from } = this.credentials;
    const res = await this.http.request({
      operation: 'messages.create',
      method: 'POST',
      url: `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
      write: true,
      auth: { username, password },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({ To: input.to, From: from, Body: input.body }).toString(),
    });
    return { sid: (res.data as { sid: string }).sid };
  }
}

interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

function classifyTwilioAnswer(res: ProviderResponse): ProviderError | null {
  if ((res.status === 201 || res.status === 200) && typeof (res.data as { sid?: unknown })?.sid === 'string') {
    return null;
  }
  const body = (typeof res.data === 'object' && res.data ? res.data : {}) as TwilioError;
  const message = `${body.message ?? `HTTP ${res.status}`}${body.code ? ` (Twilio ${body.code})` : ''}`;
  const retryAfter = Number(res.headers?.['retry-after']);
  const detail = {
    status: res.status,
    code: body.code,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
  if (res.status === 401 || body.code === 20003) return new ProviderError('twilio', 'token_invalid', message, detail);
  if (res.status === 429 || body.code === 20429) return new ProviderError('twilio', 'rate_limited', message, detail);
  if (res.status >= 500 || res.status < 400) return new ProviderError('twilio', 'unavailable', message, detail);
  if (body.code === TWILIO_UNSUBSCRIBED_RECIPIENT)
    return new ProviderError('twilio', 'recipient_opted_out', message, detail);
  return new ProviderError('twilio', 'invalid_request', message, detail);
}

/** null when no Twilio account is configured: SMS reminders are then not offered. */
export function twilioClientFrom(
  config: Pick<
    Config,
    'TWILIO_API_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_API_KEY_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM'
  >,
  onCall?: OnProviderCall,
): TwilioClient | null {
  const { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: secret, TWILIO_FROM: from } = config;
  if (!sid || !secret || !from) return null;
  return new TwilioClient(
    { accountSid: sid, username: config.TWILIO_API_KEY_SID ?? sid, password: secret, from },
    { apiUrl: config.TWILIO_API_URL, onCall },
  );
}
