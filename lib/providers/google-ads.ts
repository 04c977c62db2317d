// Google Ads REST API (docs/providers/google.md) for an artist's customer account: `:mutate` on campaignBudgets,
// campaigns (Demand Gen), adGroups, adGroupAds and assets; googleAds:search for lookups and daily metrics;
// `:uploadClickConversions` for offline click conversions (always partialFailure: one outcome per conversion).
// Headers: the artist's OAuth access token, our developer token, and login-customer-id when a manager account is in
// between. Errors are classified from the GoogleAdsFailure: OAuth token errors → token_invalid (gone or expired);
// RESOURCE_EXHAUSTED → rate_limited for quotaErrorDetails.retryDelay; 5xx / DEADLINE_EXCEEDED → unavailable;
// RESOURCE_NOT_FOUND → not_found; anything else → invalid_request, with Google's message for the artist.
import { type Config } from '../config';
import { ProviderError } from './errors';
import { type OnProviderCall, ProviderHttp, type ProviderResponse } from './http';

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
  location?: { fieldPathElements?: { fieldName?: string; index?: number }[] };
}

/** One offline click conversion; the value is left to the conversion action's default value. */
export interface ClickConversion {
  gclid: string;
  /** customers/{customerId}/conversionActions/{id} */
  conversionAction: string;
  /** ms since the epoch */
  conversionTime: number;
}

/** Per conversion: accepted, or Google's error (`conversionUploadError.EXPIRED_EVENT`, …) and message. */
export type ClickConversionOutcome = { ok: true } | { ok: false; code: string; message: string };

/** "yyyy-mm-dd hh:mm:ss+00:00", the date-time format Google asks for conversions. */
export const conversionDateTime = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}+00:00`;
};

const TOKEN_ERRORS = new Set([
  'OAUTH_TOKEN_EXPIRED',
  'OAUTH_TOKEN_INVALID',
  'OAUTH_TOKEN_REVOKED',
  'OAUTH_TOKEN_DISABLED',
  'OAUTH_TOKEN_HEADER_INVALID',
  'NOT_ADS_USER',
]);
const DEFAULT_QUOTA_WAIT_MS = 30_000;

/** "30s", "1.5s" (a google.protobuf.Duration in JSON) → milliseconds. */
export function parseRetryDelay(value: string | undefined): number | null {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value ?? '');
  return m ? Math.ceil(Number(m[1]) * 1000) : null;
}

export function classifyGoogleAdsError(res: Pick<ProviderResponse, 'status' | 'data'>): ProviderError {
  const body = res.data as
    { error?: { status?: string; message?: string; details?: { errors?: FailureEntry[] }[] } } | undefined;
  const errors = body?.error?.details?.flatMap((d) => d.errors ?? []) ?? [];
  const first = errors[0];
  const [category, value] = Object.entries(first?.errorCode ?? {})[0] ?? [];
  const code = category ? `${category}.${value}` : (body?.error?.status ?? `http_${res.status}`);
  const message = first?.message ?? body?.error?.message ?? `HTTP ${res.status}`;
  const status = res.status;
  if (status === 401 && (category !== 'authenticationError' || TOKEN_ERRORS.has(value!))) {
    return new ProviderError('google', 'token_invalid', message, { status, code });
  }
  if (body?.error?.status === 'RESOURCE_EXHAUSTED' || category === 'quotaError') {
    const hint = errors.map((e) => parseRetryDelay(e.details?.quotaErrorDetails?.retryDelay)).find((d) => d !== null);
    const retryAfterMs = hint ?? DEFAULT_QUOTA_WAIT_MS;
    return new ProviderError('google', 'rate_limited', message, { status, code, retryAfterMs });
  }
  if (status >= 500 || ['INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED'].includes(body?.error?.status ?? '')) {
    return new ProviderError('google', 'unavailable', message, { status, code });
  }
  if (category === 'mutateError' && value === 'RESOURCE_NOT_FOUND') {
    return new ProviderError('google', 'not_found', message, { status, code });
  }
  const userMessage =
    errors
      .map((e) => e.message)
      .filter(Boolean)
      .join(' ') || message;
  return new ProviderError('google', 'invalid_request', message, { status, code, userMessage });
}

const notConfigured = () =>
  new ProviderError('google', 'invalid_request', 'GOOGLE_ADS_DEVELOPER_TOKEN is not set', {
    code: 'not_configured',
    userMessage: 'Google Ads is not configured on this dropday server.',
  });

export class GoogleAdsClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly opts: {
      apiUrl: string;
      version: string;
      developerToken?: string;
      timeoutMs?: number;
      onCall?: OnProviderCall;
    },
  ) {
    this.http = new ProviderHttp({
      provider: 'google',
      label: 'Google Ads',
      timeoutMs: opts.timeoutMs ?? 20_000,
      onCall: opts.onCall,
      baseURL: `${opts.apiUrl.replace(/\/$/, '')}/${opts.version}`,
      classify: (res) => (res.status >= 200 && res.status < 300 ? null : classifyGoogleAdsError(res)),
    });
  }

  /** One create; returns its resource name. */
  async create(account: GoogleAdsAccount, service: AdsService, create: Record<string, unknown>): Promise<string> {
    const res = await this.mutate(account, service, [{ create }]);
    return res[0];
  }

  async setStatus(
    account: GoogleAdsAccount,
    service: AdsService,
    resourceName: string,
    status: 'ENABLED' | 'PAUSED',
  ): Promise<void> {
    await this.mutate(account, service, [{ update: { resourceName, status }, updateMask: 'status' }]);
  }

  /** Removes an object; one that is already gone is fine. */
  async remove(account: GoogleAdsAccount, service: AdsService, resourceName: string): Promise<void> {
    try {
      await this.mutate(account, service, [{ remove: resourceName }]);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'not_found') throw error;
    }
  }

  async mutate(account: GoogleAdsAccount, service: AdsService, operations: object[]): Promise<string[]> {
    const res = await this.call(account, `${service}:mutate`, { operations, partialFailure: false }, true);
    return ((res.data as { results?: { resourceName: string }[] }).results ?? []).map((r) => r.resourceName);
  }

  /**
   * Uploads click conversions with partialFailure (Google refuses anything else): a refusal of the whole request
   * throws; otherwise each conversion's outcome, in order, from `partialFailureError` (located by index).
   */
  async uploadClickConversions(
    account: GoogleAdsAccount,
    conversions: ClickConversion[],
  ): Promise<ClickConversionOutcome[]> {
    const body = {
      conversions: conversions.map((c) => ({
        gclid: c.gclid,
        conversionAction: c.conversionAction,
        conversionDateTime: conversionDateTime(c.conversionTime),
        // Uploaded only for fans who allowed ad measurement on the page (api/conversions.ts).
        consent: { adUserData: 'GRANTED' },
      })),
      partialFailure: true,
    };
    const res = await this.call(account, ':uploadClickConversions', body, true);
    const failure = (res.data as { partialFailureError?: { details?: { errors?: FailureEntry[] }[] } })
      .partialFailureError;
    const outcomes: ClickConversionOutcome[] = conversions.map(() => ({ ok: true }));
    for (const error of failure?.details?.flatMap((d) => d.errors ?? []) ?? []) {
      const index = error.location?.fieldPathElements?.find((e) => e.fieldName === 'conversions')?.index ?? 0;
      const [category, value] = Object.entries(error.errorCode ?? {})[0] ?? ['unknown', 'UNKNOWN'];
      if (index < outcomes.length)
        outcomes[index] = { ok: false, code: `${category}.${value}`, message: error.message ?? `${category}.${value}` };
    }
    return outcomes;
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

  async campaignDailyMetrics(
    account: GoogleAdsAccount,
    campaign: string,
    since: string,
    until: string,
  ): Promise<GoogleDailyMetrics[]> {
    const query =
      `SELECT campaign.resource_name, segments.date, metrics.cost_micros, metrics.impressions, metrics.clicks, metrics.conversions ` +
      `FROM campaign WHERE campaign.resource_name = '${campaign}' AND segments.date BETWEEN '${since}' AND '${until}'`;
    const res = await this.call(account, 'googleAds:search', { query });
    const rows =
      (
        res.data as {
          results?: {
            segments?: { date: string };
            metrics?: { costMicros?: string; impressions?: string; clicks?: string; conversions?: number };
          }[];
        }
      ).results ?? [];
    return rows.map((r) => ({
      date: r.segments?.date ?? since,
      costMicros: Number(r.metrics?.costMicros ?? 0),
      impressions: Number(r.metrics?.impressions ?? 0),
      clicks: Number(r.metrics?.clicks ?? 0),
      conversions: Math.round(Number(r.metrics?.conversions ?? 0)),
    }));
  }

  /** The customer ids the OAuth user reaches directly (customers:listAccessibleCustomers), 10 digits each. */
  async accessibleCustomers(accessToken: string): Promise<string[]> {
    if (!this.opts.developerToken) throw notConfigured();
    const res = await this.http.request({
      operation: 'customers:listAccessibleCustomers',
      url: '/customers:listAccessibleCustomers',
      headers: { authorization: `Bearer ${accessToken}`, 'developer-token': this.opts.developerToken },
    });
    return ((res.data as { resourceNames?: string[] }).resourceNames ?? [])
      .map((name) => name.replace(/^customers\//, ''))
      .filter((id) => /^\d{10}$/.test(id));
  }

  private async call(
    account: GoogleAdsAccount,
    method: string,
    body: object,
    write = false,
  ): Promise<ProviderResponse> {
    if (!this.opts.developerToken) throw notConfigured();
    const headers: Record<string, string> = {
      authorization: `Bearer ${account.accessToken}`,
      'developer-token': this.opts.developerToken,
      'content-type': 'application/json',
    };
    if (account.loginCustomerId) headers['login-customer-id'] = account.loginCustomerId;
    // The operation label is the method (`campaigns:mutate`, `googleAds:search`), never the customer id. A
    // customer's own method (`:uploadClickConversions`) follows its id without a slash.
    return this.http.request({
      operation: method.replace(/^:/, ''),
      method: 'POST',
      url: `/customers/${account.customerId}${method.startsWith(':') ? '' : '/'}${method}`,
      data: body,
      headers,
      write,
    });
  }
}

export function googleAdsFrom(
  config: Pick<Config, 'GOOGLE_ADS_API_URL' | 'GOOGLE_ADS_API_VERSION' | 'GOOGLE_ADS_DEVELOPER_TOKEN'>,
  onCall?: OnProviderCall,
): GoogleAdsClient {
  return new GoogleAdsClient({
    apiUrl: config.GOOGLE_ADS_API_URL,
    version: config.GOOGLE_ADS_API_VERSION,
    developerToken: config.GOOGLE_ADS_DEVELOPER_TOKEN,
    onCall,
  });
}
