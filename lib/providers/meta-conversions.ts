// Meta's Conversions API (docs/providers/meta.md): POST /{version}/{pixel_id}/events with a JSON `data` array of
// server events. Contact details go hashed (SHA-256 hex of the normalised value); fbc, fbp, client IP and user agent
// go as they are. Graph errors are classified by `error.code`, never by HTTP status alone: 190 → token_invalid;
// throttles → rate_limited; 1 / 2 / 5xx / no Graph code → unavailable; anything else → invalid_request.
import { createHash } from 'node:crypto';
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

/** What Meta allows: an event may be at most 7 days old when it arrives, or the whole request is rejected. */
export const MAX_EVENT_AGE_SECONDS = 7 * 24 * 3600;

export type ConversionEventName = 'PageView' | 'Lead' | 'CompleteRegistration';

/** user_data as sent: em/ph already hashed. */
export interface CapiUserData {
  em?: string[];
  ph?: string[];
  fbc?: string;
  fbp?: string;
  client_ip_address?: string;
  client_user_agent: string;
}

export interface CapiServerEvent {
  event_name: ConversionEventName;
  event_time: number; // unix seconds
  event_id: string;
  action_source: 'website';
  event_source_url: string;
  user_data: CapiUserData;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Meta's e-mail normalisation: trim, lowercase. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Digits only, with the country code and without leading zeros ("+1 (650) 555-1212" → "16505551212"). */
export const normalisePhone = (phone: string): string => phone.replace(/\D/g, '').replace(/^0+/, '');

export const hashEmail = (email: string): string => sha256(normaliseEmail(email));
export const hashPhone = (phone: string): string => sha256(normalisePhone(phone));

/** Builds the user_data of one event from what the fan gave and what their browser carried. */
export function capiUserData(input: {
  email?: string | null;
  phone?: string | null;
  fbc?: string | null;
  fbp?: string | null;
  ip?: string | null;
  userAgent: string;
}): CapiUserData {
  return {
    ...(input.email ? { em: [hashEmail(input.email)] } : {}),
    ...(input.phone && normalisePhone(input.phone) ? { ph: [hashPhone(input.phone)] } : {}),
    ...(input.fbc ? { fbc: input.fbc } : {}),
    ...(input.fbp ? { fbp: input.fbp } : {}),
    ...(input.ip ? { client_ip_address: input.ip } : {}),
    client_user_agent: input.userAgent,
  };
}

// Graph's throttles: rate_limited; 1 and 2 (unknown, transient) are unavailable.
const THROTTLE_CODES = new Set([4, 17, 32, 341, 613]);
const isThrottle = (code: number) => THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014);

export class MetaConversionsClient {
  private readonly http: ProviderHttp;

  constructor(opts: { graphUrl: string; version: string; timeoutMs?: number; onCall?: OnProviderCall }) {
    this.http = new ProviderHttp({
      provider: 'meta',
      label: 'Meta',
      timeoutMs: opts.timeoutMs ?? 15_000,
      onCall: opts.onCall,
      baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`,
      classify: classifyEventsAnswer,
    });
  }

  async sendEvents(input: {
    pixelId: string;
    accessToken: string;
    events: CapiServerEvent[];
    testEventCode?: string | null;
  }): Promise<{ eventsReceived: number; fbtraceId: string | null }> {
    // A write: events carry their event_id, so Meta deduplicates one that landed before the connection was cut.
    const res = await this.http.request({
      operation: 'events',
      method: 'POST',
      url: `/${encodeURIComponent(input.pixelId)}/events`,
      write: true,
      data: { data: input.events, ...(input.testEventCode ? { test_event_code: input.testEventCode } : {}) },
      params: { access_token: input.accessToken },
    });
    const body = res.data as EventsAnswer;
    return { eventsReceived: body.events_received!, fbtraceId: body.fbtrace_id ?? null };
  }
}

interface EventsAnswer {
  events_received?: number;
  fbtrace_id?: string;
  error?: { message?: string; code?: number; error_subcode?: number; error_user_msg?: string };
}

function classifyEventsAnswer(res: ProviderResponse): ProviderError | null {
  const body = (res.data ?? {}) as EventsAnswer;
  if (res.status === 200 && typeof body.events_received === 'number') return null;
  const error = body.error;
  const code = error?.code;
  const message =
    `${error?.message ?? `HTTP ${res.status}`}${error?.error_user_msg ? `: ${error.error_user_msg}` : ''}` +
    `${error?.error_subcode ? ` (subcode ${error.error_subcode})` : ''}`;
  const detail = { status: res.status, code };
  if (code === 190) return new ProviderError('meta', 'token_invalid', message, detail);
  if (code === 1 || code === 2) return new ProviderError('meta', 'unavailable', message, detail);
  if ((code !== undefined && isThrottle(code)) || res.status === 429) {
    return new ProviderError('meta', 'rate_limited', message, detail);
  }
  if (res.status >= 500 || code === undefined) return new ProviderError('meta', 'unavailable', message, detail);
  return new ProviderError('meta', 'invalid_request', message, detail);
}

export function metaConversionsFrom(
  config: Pick<Config, 'META_GRAPH_URL' | 'META_API_VERSION'>,
  onCall?: OnProviderCall,
): MetaConversionsClient {
  return new MetaConversionsClient({ graphUrl: config.META_GRAPH_URL, version: config.META_API_VERSION, onCall });
}
