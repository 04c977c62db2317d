// Google Ads REST API (api-contracts.md §4) for an artist's customer account: `:mutate` on campaignBudgets,
// campaigns (Demand Gen), adGroups, adGroupAds and assets; googleAds:search for lookups and daily metrics.
// Headers: the artist's OAuth access token, our developer token, and login-customer-id when a manager account is in
// between. Errors are classified from the GoogleAdsFailure: OAuth token errors → the token is gone (or expired);
// RESOURCE_EXHAUSTED → throttled for quotaErrorDetails.retryDelay; 5xx / DEADLINE_EXCEEDED → transient; anything
// else → the request is wrong, with Google's message for the artist.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { AdsProviderError } from './meta-marketing';

export type AdsService = 'campaignBudgets' | 'campaigns' | 'campaignCriteria' | 'adGroups' | 'adGroupAds' | 'assets';

export interface GoogleAdsAccount {
  accessToken: string;
  customerId: string;
  loginCustomerId?: string | null;
}

export interface GoogleDailyMetrics {
  date: string;
  costMicros: number;
  impressions: number;
  clicks: number;
  conversions: number;
}

interface FailureEntry {
  errorCode?: Record<string, string>;
  message?: string;
  details?: { quotaErrorDetails?: { retryDelay?: string } };
}

const TOKEN_ERRORS = new Set(['OAUTH_TOKEN_EXPIRED', 'OAUTH_TOKEN_INVALID', 'OAUTH_TOKEN_REVOKED', 'OAUTH_TOKEN_DISABLED', 'OAUTH_TOKEN_HEADER_INVALID', 'NOT_ADS_USER']);
const DEFAULT_QUOTA_WAIT_MS = 30_000;

/** "30s", "1.5s" (a google.protobuf.Duration in JSON) → milliseconds. */
export function parseRetryDelay(value: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value ?? '');
  return m ? Math.ceil(Number(m[1]) * 1000) : null;
}

export function classifyGoogleAdsError(res: AxiosResponse): AdsProviderError {
  const body = res.data as { error?: { status?: string; message?: string; details?: { errors?: FailureEntry[] }[] } } | undefined;
  const errors = body?.error?.details?.flatMap((d) => d.errors ?? []) ?? [];
  const first = errors[0];
  const [category, value] = Object.entries(first?.errorCode ?? {})[0] ?? [];
  const code = category ? `${category}.${value}` : (body?.error?.status ?? `http_${res.status}`);
  const message = first?.message ?? body?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401 && (category !== 'authenticationError' || TOKEN_ERRORS.has(value!))) return new AdsProviderError('google', 'token', message, { code });
  if (body?.error?.status === 'RESOURCE_EXHAUSTED' || category === 'quotaError') {
    const hint = errors.map((e) => parseRetryDelay(e.details?.quotaErrorDetails?.retryDelay)).find((d) => d !== null);
    return new AdsProviderError('google', 'throttled', message, { code, retryAfterMs: hint ?? DEFAULT_QUOTA_WAIT_MS });
  }
  if (res.status >= 500 || ['INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED'].includes(body?.error?.status ?? '')) return new AdsProviderError('google', 'transient', message, { code });
  if (category === 'mutateError' && value === 'RESOURCE_NOT_FOUND') return new AdsProviderError('google', 'not_found', message, { code });
  return new AdsProviderError('google', 'invalid', message, { code, userMessage: errors.map((e) => e.message).filter(Boolean).join(' ') || message });
}

export class GoogleAdsClient {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: { apiUrl: string; version: string; developerToken?: string; timeoutMs?: number }) {
    this.http = axios.create({ baseURL: `${opts.apiUrl.replace(/\/$/, '')}/${opts.version}`, timeout: opts.timeoutMs ?? 20_000, validateStatus: () => true });
  }

  /** One create; returns its resource name. */
  async create(account: GoogleAdsAccount, service: AdsService, create: Record<string, unknown>): Promise<string> {
    const res = await this.mutate(account, service, [{ create }]);
    return res[0];
  }

  async setStatus(account: GoogleAdsAccount, service: AdsService, resourceName: string, status: 'ENABLED' | 'PAUSED'): Promise<void> {
    await this.mutate(account, service, [{ update: { resourceName, status }, updateMask: 'status' }]);
  }

  /** Removes an object; one that is already gone is fine. */
  async remove(account: GoogleAdsAccount, service: AdsService, resourceName: string): Promise<void> {
    try {
      await this.mutate(account, service, [{ remove: resourceName }]);
    } catch (error) {
      if (!(error instanceof AdsProviderError) || error.kind !== 'not_found') throw error;
    }
  }

  async mutate(account: GoogleAdsAccount, service: AdsService, operations: object[]): Promise<string[]> {
    const res = await this.call(account, `${service}:mutate`, { operations, partialFailure: false });
    return ((res.data as { results?: { resourceName: string }[] }).results ?? []).map((r) => r.resourceName);
  }

  /** The first row's resource of a GAQL lookup, or null. */
  async findOne(account: GoogleAdsAccount, resource: string, query: string): Promise<string | null> {
    return (await this.findAll(account, resource, query))[0] ?? null;
  }

  /** Every row's resource name of a GAQL lookup (`resource` is the row's key, e.g. campaignCriterion). */
  async findAll(account: GoogleAdsAccount, resource: string, query: string): Promise<string[]> {
    const res = await this.call(account, 'googleAds:search', { query });
    const rows = (res.data as { results?: Record<string, { resourceName?: string }>[] }).results ?? [];
    return rows.map((r) => r[resource]?.resourceName).filter((n): n is string => Boolean(n));
  }

  async campaignDailyMetrics(account: GoogleAdsAccount, campaign: string, since: string, until: string): Promise<GoogleDailyMetrics[]> {
    const query =
      `SELECT campaign.resource_name, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, metrics.conversions ` +
      `FROM campaign WHERE campaign.resource_name = '${campaign}' AND segments.date BETWEEN '${since}' AND '${until}'`;
    const res = await this.call(account, 'googleAds:search', { query });
    const rows = (res.data as { results?: { segments?: { date: string }; metrics?: { costMicros?: string; impressions?: string; clicks?: string; conversions?: number } }[] }).results ?? [];
    return rows.map((r) => ({
      date: r.segments?.date ?? since,
      costMicros: Number(r.metrics?.costMicros ?? 0),
      impressions: Number(r.metrics?.impressions ?? 0),
      clicks: Number(r.metrics?.clicks ?? 0),
      conversions: Math.round(Number(r.metrics?.conversions ?? 0)),
    }));
  }

  private async call(account: GoogleAdsAccount, method: string, body: object): Promise<AxiosResponse> {
    if (!this.opts.developerToken) throw new AdsProviderError('google', 'invalid', 'GOOGLE_ADS_DEVELOPER_TOKEN is not set', { code: 'not_configured', userMessage: 'Google Ads is not configured on this dropday server.' });
    const headers: Record<string, string> = {
      authorization: `Bearer ${account.accessToken}`,
      'developer-token': this.opts.developerToken,
      'content-type': 'application/json',
    };
    if (account.loginCustomerId) headers['login-customer-id'] = account.loginCustomerId;
    let res: AxiosResponse;
    try {
      res = await this.http.post(`/customers/${account.customerId}/${method}`, body, { headers });
    } catch (error) {
      throw new AdsProviderError('google', 'transient', `Google Ads unreachable: ${(error as Error).message}`);
    }
    if (res.status >= 200 && res.status < 300) return res;
    throw classifyGoogleAdsError(res);
  }
}

export function googleAdsFrom(config: { GOOGLE_ADS_API_URL: string; GOOGLE_ADS_API_VERSION: string; GOOGLE_ADS_DEVELOPER_TOKEN?: string }) {
  return new GoogleAdsClient({ apiUrl: config.GOOGLE_ADS_API_URL, version: config.GOOGLE_ADS_API_VERSION, developerToken: config.GOOGLE_ADS_DEVELOPER_TOKEN });
}
