// Meta Marketing API (api-contracts.md §3) for an artist's ad account: form-encoded writes with JSON-string object
// fields, `{id}` results, status updates, DELETE, name lookups and daily insights. Every error is classified from
// Graph's `error.code` (never the HTTP status alone): 190 → the token is gone; 4 / 17 / 32 / 613 / 80000–80014 →
// throttled, with the wait the usage headers announce; 1 / 2 / 5xx → transient; anything else → the request is
// wrong, with Meta's user-facing message (error_user_msg) for the artist.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';

export type ProviderErrorKind = 'token' | 'throttled' | 'invalid' | 'not_found' | 'transient';

export class AdsProviderError extends Error {
  constructor(
    readonly provider: 'meta' | 'google',
    readonly kind: ProviderErrorKind,
    message: string,
    readonly detail: { code?: string; userMessage?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'AdsProviderError';
  }
}

export type MetaEdge = 'campaigns' | 'adsets' | 'adcreatives' | 'ads';

export interface MetaInsightRow {
  date: string;
  spend: string; // decimal, account currency major units
  impressions: number;
  clicks: number;
  conversions: number;
}

const THROTTLE_CODES = new Set([4, 17, 32, 613]);
const DEFAULT_THROTTLE_WAIT_MS = 60_000;

/**
 * How long Meta asks us to wait: X-Business-Use-Case-Usage estimated_time_to_regain_access (minutes) and
 * X-Ad-Account-Usage reset_time_duration (seconds); the longer of the two, or a minute when neither says.
 */
export function metaThrottleWaitMs(headers: Record<string, unknown>): number {
  const parse = (name: string): unknown => {
    try {
      return headers[name] ? JSON.parse(String(headers[name])) : undefined;
    } catch {
      return undefined;
    }
  };
  let wait = 0;
  const buc = parse('x-business-use-case-usage') as Record<string, { estimated_time_to_regain_access?: number }[]> | undefined;
  for (const entries of Object.values(buc ?? {})) for (const e of entries ?? []) wait = Math.max(wait, Number(e.estimated_time_to_regain_access ?? 0) * 60_000);
  const account = parse('x-ad-account-usage') as { reset_time_duration?: number } | undefined;
  wait = Math.max(wait, Number(account?.reset_time_duration ?? 0) * 1000);
  return wait > 0 ? wait : DEFAULT_THROTTLE_WAIT_MS;
}

export function classifyMetaError(res: AxiosResponse): AdsProviderError {
  const error = (res.data as { error?: { code?: number; error_subcode?: number; message?: string; error_user_msg?: string; error_user_title?: string } })?.error;
  const code = error?.code;
  const message = error?.message ?? `HTTP ${res.status}`;
  const detail = { code: code === undefined ? `http_${res.status}` : `${code}${error?.error_subcode ? `/${error.error_subcode}` : ''}` };
  if (code === 190 || code === 102) return new AdsProviderError('meta', 'token', message, detail);
  if ((code !== undefined && THROTTLE_CODES.has(code)) || (code !== undefined && code >= 80000 && code <= 80014)) {
    return new AdsProviderError('meta', 'throttled', message, { ...detail, retryAfterMs: metaThrottleWaitMs(res.headers as Record<string, unknown>) });
  }
  if (code === 1 || code === 2 || res.status >= 500 || code === undefined) return new AdsProviderError('meta', 'transient', message, detail);
  if (code === 100 && error?.error_subcode === 33) return new AdsProviderError('meta', 'not_found', message, detail);
  return new AdsProviderError('meta', 'invalid', message, { ...detail, userMessage: error?.error_user_msg ?? message });
}

export class MetaMarketingClient {
  private readonly http: AxiosInstance;

  constructor(opts: { graphUrl: string; version: string; timeoutMs?: number }) {
    this.http = axios.create({ baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`, timeout: opts.timeoutMs ?? 20_000, validateStatus: () => true });
  }

  /** Creates an object under the ad account; object-valued fields are sent as JSON strings. */
  async create(token: string, adAccountId: string, edge: MetaEdge, fields: Record<string, string | number | object>): Promise<string> {
    const form = new URLSearchParams({ access_token: token });
    for (const [k, v] of Object.entries(fields)) form.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    const res = await this.call(() => this.http.post(`/act_${adAccountId}/${edge}`, form.toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    return String((res.data as { id: string }).id);
  }

  /** An object of ours by its exact name (names are deterministic, so a retried create finds what it made). */
  async findByName(token: string, adAccountId: string, edge: MetaEdge, name: string): Promise<string | null> {
    const res = await this.call(() =>
      this.http.get(`/act_${adAccountId}/${edge}`, { params: { access_token: token, fields: 'id,name,status', filtering: JSON.stringify([{ field: 'name', operator: 'EQUAL', value: name }]) } }),
    );
    const found = (res.data as { data?: { id: string; name: string }[] }).data?.find((o) => o.name === name);
    return found?.id ?? null;
  }

  async setStatus(token: string, id: string, status: 'ACTIVE' | 'PAUSED'): Promise<void> {
    await this.call(() => this.http.post(`/${id}`, new URLSearchParams({ access_token: token, status }).toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
  }

  /** Deletes an object; one that is already gone is fine. */
  async remove(token: string, id: string): Promise<void> {
    try {
      await this.call(() => this.http.delete(`/${id}`, { params: { access_token: token } }));
    } catch (error) {
      if (!(error instanceof AdsProviderError) || error.kind !== 'not_found') throw error;
    }
  }

  /** Daily rows between two dates (inclusive, the account's time zone). */
  async dailyInsights(token: string, id: string, since: string, until: string): Promise<MetaInsightRow[]> {
    const res = await this.call(() =>
      this.http.get(`/${id}/insights`, {
        params: { access_token: token, fields: 'spend,impressions,clicks,actions', time_increment: 1, time_range: JSON.stringify({ since, until }), level: 'campaign' },
      }),
    );
    const rows = (res.data as { data?: { date_start: string; spend?: string; impressions?: string; clicks?: string; actions?: { action_type: string; value: string }[] }[] }).data ?? [];
    return rows.map((r) => ({
      date: r.date_start,
      spend: r.spend ?? '0',
      impressions: Number(r.impressions ?? 0),
      clicks: Number(r.clicks ?? 0),
      conversions: (r.actions ?? []).filter((a) => a.action_type.startsWith('offsite_conversion')).reduce((s, a) => s + Number(a.value), 0),
    }));
  }

  private async call(request: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    let res: AxiosResponse;
    try {
      res = await request();
    } catch (error) {
      throw new AdsProviderError('meta', 'transient', `Meta unreachable: ${(error as Error).message}`);
    }
    if (res.status >= 200 && res.status < 300 && !(res.data as { error?: unknown })?.error) return res;
    throw classifyMetaError(res);
  }
}

export function metaMarketingFrom(config: { META_GRAPH_URL: string; META_API_VERSION: string }) {
  return new MetaMarketingClient({ graphUrl: config.META_GRAPH_URL, version: config.META_API_VERSION });
}
