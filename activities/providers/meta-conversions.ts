// Meta's Conversions API (api-contracts.md §3): POST /{version}/{pixel_id}/events with a JSON `data` array of
// server events. Contact details go hashed (SHA-256 hex of the normalised value); fbc, fbp, client IP and user agent
// go as they are. Graph errors are classified by `error.code`, never by HTTP status alone.
import { createHash } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';

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

export class MetaConversionsError extends Error {
  constructor(
    /** retryable: throttling, outage, network; token: the access token was refused; rejected: Meta refused the events */
    readonly kind: 'retryable' | 'token' | 'rejected',
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'MetaConversionsError';
  }
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Meta's e-mail normalisation: trim, lowercase. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/** Digits only, with the country code and without leading zeros ("+1 (650) 555-1212" → "16505551212"). */
export const normalisePhone = (phone: string): string => phone.replace(/\D/g, '').replace(/^0+/, '');

export const hashEmail = (email: string): string => sha256(normaliseEmail(email));
export const hashPhone = (phone: string): string => sha256(normalisePhone(phone));

/** Builds the user_data of one event from what the fan gave and what their browser carried. */
export function capiUserData(input: { email?: string | null; phone?: string | null; fbc?: string | null; fbp?: string | null; ip?: string | null; userAgent: string }): CapiUserData {
  return {
    ...(input.email ? { em: [hashEmail(input.email)] } : {}),
    ...(input.phone && normalisePhone(input.phone) ? { ph: [hashPhone(input.phone)] } : {}),
    ...(input.fbc ? { fbc: input.fbc } : {}),
    ...(input.fbp ? { fbp: input.fbp } : {}),
    ...(input.ip ? { client_ip_address: input.ip } : {}),
    client_user_agent: input.userAgent,
  };
}

// Graph codes worth retrying: unknown/transient (1, 2), throttles (4, 17, 32, 613, 80000–80014).
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
const isThrottle = (code: number) => RETRYABLE_CODES.has(code) || (code >= 80000 && code <= 80014);

export class MetaConversionsClient {
  private readonly http: AxiosInstance;

  constructor(opts: { graphUrl: string; version: string; timeoutMs?: number }) {
    this.http = axios.create({ baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`, timeout: opts.timeoutMs ?? 15_000, validateStatus: () => true });
  }

  async sendEvents(input: { pixelId: string; accessToken: string; events: CapiServerEvent[]; testEventCode?: string | null }): Promise<{ eventsReceived: number; fbtraceId: string | null }> {
    let res;
    try {
      res = await this.http.post(
        `/${encodeURIComponent(input.pixelId)}/events`,
        { data: input.events, ...(input.testEventCode ? { test_event_code: input.testEventCode } : {}) },
        { params: { access_token: input.accessToken } },
      );
    } catch (error) {
      throw new MetaConversionsError('retryable', `Meta unreachable: ${(error as Error).message}`);
    }
    const body = (res.data ?? {}) as { events_received?: number; fbtrace_id?: string; error?: { message?: string; code?: number; error_subcode?: number; error_user_msg?: string } };
    if (res.status === 200 && typeof body.events_received === 'number') return { eventsReceived: body.events_received, fbtraceId: body.fbtrace_id ?? null };
    const code = body.error?.code;
    const message = `${body.error?.message ?? `HTTP ${res.status}`}${body.error?.error_user_msg ? `: ${body.error.error_user_msg}` : ''}${body.error?.error_subcode ? ` (subcode ${body.error.error_subcode})` : ''}`;
    if (code === 190) throw new MetaConversionsError('token', message, code);
    if ((code !== undefined && isThrottle(code)) || res.status === 429 || res.status >= 500 || code === undefined) {
      throw new MetaConversionsError('retryable', message, code);
    }
    throw new MetaConversionsError('rejected', message, code);
  }
}

export function metaConversionsFrom(config: { META_GRAPH_URL: string; META_API_VERSION: string }): MetaConversionsClient {
  return new MetaConversionsClient({ graphUrl: config.META_GRAPH_URL, version: config.META_API_VERSION });
}
