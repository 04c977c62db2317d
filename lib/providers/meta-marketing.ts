// Meta Marketing API (docs/providers/meta.md) for an artist's ad account: form-encoded writes with JSON-string object
// fields, `{id}` results, status updates, DELETE, name lookups and daily insights. Every error is classified from
// Graph's `error.code` (never the HTTP status alone): 190 / 102 → token_invalid; 4 / 17 / 32 / 613 / 80000–80014 →
// rate_limited, with the wait the usage headers announce; 1 / 2 / 5xx → unavailable; 100 with subcode 33 →
// not_found; anything else → invalid_request, with Meta's user-facing message (error_user_msg) for the artist.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

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
  const buc = parse('x-business-use-case-usage') as
    Record<string, { estimated_time_to_regain_access?: number }[]> | undefined;
  for (const entries of Object.values(buc ?? {}))
    for (const e of entries ?? []) wait = Math.max(wait, Number(e.estimated_time_to_regain_access ?? 0) * 60_000);
  const account = parse('x-ad-account-usage') as { reset_time_duration?: number } | undefined;
  wait = Math.max(wait, Number(account?.reset_time_duration ?? 0) * 1000);
  return wait > 0 ? wait : DEFAULT_THROTTLE_WAIT_MS;
}

export function classifyMetaError(res: Pick<ProviderResponse, 'status' | 'data' | 'headers'>): ProviderError {
  const error = (
    res.data as {
      error?: {
        code?: number;
        error_subcode?: number;
        message?: string;
        error_user_msg?: string;
        error_user_title?: string;
      };
    }
  )?.error;
  const code = error?.code;
  const message = error?.message ?? `HTTP ${res.status}`;
  const detail = {
    status: res.status,
    code: code === undefined ? `http_${res.status}` : `${code}${error?.error_subcode ? `/${error.error_subcode}` : ''}`,
  };
  if (code === 190 || code === 102) return new ProviderError('meta', 'token_invalid', message, detail);
  if ((code !== undefined && THROTTLE_CODES.has(code)) || (code !== undefined && code >= 80000 && code <= 80014)) {
    const retryAfterMs = metaThrottleWaitMs(res.headers as Record<string, unknown>);
    return new ProviderError('meta', 'rate_limited', message, { ...detail, retryAfterMs });
  }
  if (code === 1 || code === 2 || res.status >= 500 || code === undefined) {
    return new ProviderError('meta', 'unavailable', message, detail);
  }
  if (code === 100 && error?.error_subcode === 33) return new ProviderError('meta', 'not_found', message, detail);
  const userMessage = error?.error_user_msg ?? message;
  return new ProviderError('meta', 'invalid_request', message, { ...detail, userMessage });
}

export class MetaMarketingClient {
  private readonly http: ProviderHttp;

  constructor(opts: { graphUrl: string; version: string; timeoutMs?: number; onCall?: OnProviderCall }) {
    this.http = new ProviderHttp({
      provider: 'meta',
      label: 'Meta',
      timeoutMs: opts.timeoutMs ?? 20_000,
      onCall: opts.onCall,
      baseURL: `${opts.graphUrl.replace(/\/$/, '')}/${opts.version}`,
      // A 200 may still carry a Graph error.
      classify: (res) => {
        const ok = res.status >= 200 && res.status < 300 && !(res.data as { error?: unknown })?.error;
        return ok ? null : classifyMetaError(res);
      },
    });
  }

  /** Creates an object under the ad account; object-valued fields are sent as JSON strings. */
  async create(
    token: string,
    adAccountId: string,
    edge: MetaEdge,
    fields: Record<string, string | number | object>,
  ): Promise<string> {
    const form = new URLSearchParams({ access_token: token });
    for (const [k, v] of Object.entries(fields)) form.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    const res = await this.http.request({
      operation: `create.${edge}`,
      method: 'POST',
      url: `/act_${adAccountId}/${edge}`,
      write: true,
      data: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    return String((res.data as { id: string }).id);
  }

  /** An object of ours by its exact name (names are deterministic, so a retried create finds what it made). */
  async findByName(token: string, adAccountId: string, edge: MetaEdge, name: string): Promise<string | null> {
    const filtering = JSON.stringify([{ field: 'name', operator: 'EQUAL', value: name }]);
    const res = await this.http.request({
      operation: `find.${edge}`,
      url: `/act_${adAccountId}/${edge}`,
      params: { access_token: token, fields: 'id,name,status', filtering },
    });
    const found = (res.data as { data?: { id: string; name: string }[] }).data?.find((o) => o.name === name);
    return found?.id ?? null;
  }

  async setStatus(token: string, id: string, status: 'ACTIVE' | 'PAUSED'): Promise<void> {
    await this.http.request({
      operation: 'status',
      method: 'POST',
      url: `/${id}`,
      write: true,
      data: new URLSearchParams({ access_token: token, status }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Deletes an object; one that is already gone is fine. */
  async remove(token: string, id: string): Promise<void> {
    try {
      await this.http.request({
        operation: 'delete',
        method: 'DELETE',
        url: `/${id}`,
        write: true,
        params: { access_token: token },
      });
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'not_found') throw error;
    }
  }

  /** The ad accounts the token's user reaches (GET /me/adaccounts): the bare account id, name and currency. */
  async adAccounts(token: string): Promise<{ accountId: string; name: string; currency: string }[]> {
    const res = await this.http.request({
      operation: 'me.adaccounts',
      url: '/me/adaccounts',
      params: { access_token: token, fields: 'account_id,name,currency', limit: 100 },
    });
    const rows = (res.data as { data?: { account_id?: string; id: string; name?: string; currency?: string }[] }).data;
    return (rows ?? []).map((a) => ({
      accountId: a.account_id ?? a.id.replace(/^act_/, ''),
      name: a.name ?? a.id,
      currency: a.currency ?? '',
    }));
  }

  /** The Facebook Pages the token's user has a role on (GET /me/accounts): id and name only, never Page tokens. */
  async pages(token: string): Promise<{ id: string; name: string }[]> {
    const res = await this.http.request({
      operation: 'me.accounts',
      url: '/me/accounts',
      params: { access_token: token, fields: 'id,name', limit: 100 },
    });
    const rows = (res.data as { data?: { id: string; name?: string }[] }).data;
    return (rows ?? []).map((p) => ({ id: p.id, name: p.name ?? p.id }));
  }

  /** Daily rows between two dates (inclusive, the account's time zone). */
  async dailyInsights(token: string, id: string, since: string, until: string): Promise<MetaInsightRow[]> {
    const res = await this.http.request({
      operation: 'insights',
      url: `/${id}/insights`,
      params: {
        access_token: token,
        fields: 'spend,impressions,clicks,actions',
        time_increment: 1,
        time_range: JSON.stringify({ since, until }),
        level: 'campaign',
      },
    });
    const rows =
      (
        res.data as {
          data?: {
            date_start: string;
            spend?: string;
            impressions?: string;
            clicks?: string;
            actions?: { action_type: string; value: string }[];
          }[];
        }
      ).data ?? [];
    return rows.map((r) => ({
      date: r.date_start,
      spend: r.spend ?? '0',
      impressions: Number(r.impressions ?? 0),
      clicks: Number(r.clicks ?? 0),
      conversions: (r.actions ?? [])
        .filter((a) => a.action_type.startsWith('offsite_conversion'))
        .reduce((s, a) => s + Number(a.value), 0),
    }));
  }
}

export function metaMarketingFrom(
  config: Pick<Config, 'META_GRAPH_URL' | 'META_API_VERSION'>,
  onCall?: OnProviderCall,
): MetaMarketingClient {
  return new MetaMarketingClient({ graphUrl: config.META_GRAPH_URL, version: config.META_API_VERSION, onCall });
}
