// How provider errors are classified (docs/providers/meta.md, docs/providers/google.md): by Graph's error.code
// and the GoogleAdsFailure, never by the HTTP status alone, and how long each provider asks us to wait.
import { classifyGoogleAdsError, parseRetryDelay } from '../../lib/providers/google-ads';
import { type ProviderResponse } from '../../lib/providers/http';
import { classifyMetaError, metaThrottleWaitMs } from '../../lib/providers/meta-marketing';

const response = (status: number, data: unknown, headers: Record<string, string> = {}): ProviderResponse => ({
  status,
  data,
  headers,
});
const graph = (code: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  classifyMetaError(
    response(
      400,
      { error: { message: `(#${code}) m`, type: 'OAuthException', code, fbtrace_id: 'x', ...extra } },
      headers,
    ),
  );

describe('Meta errors', () => {
  it('190 is a token error; 4, 17, 32, 613 and 80000–80014 are throttling; 1, 2 and 5xx are transient', () => {
    expect(graph(190, { error_subcode: 460 })).toMatchObject({ kind: 'token_invalid', detail: { code: '190/460' } });
    for (const code of [4, 17, 32, 613, 80000, 80004, 80014]) expect(graph(code).kind).toBe('rate_limited');
    expect(graph(80015).kind).toBe('invalid_request');
    for (const code of [1, 2]) expect(graph(code).kind).toBe('unavailable');
    expect(classifyMetaError(response(503, 'Service Unavailable')).kind).toBe('unavailable');
  });

  it('invalid parameters carry error_user_msg for the artist; 100/33 means the object is gone', () => {
    expect(
      graph(100, { error_subcode: 1487079, error_user_msg: 'Your audience is missing a location.' }),
    ).toMatchObject({ kind: 'invalid_request', detail: { userMessage: 'Your audience is missing a location.' } });
    expect(graph(100)).toMatchObject({ kind: 'invalid_request', detail: { userMessage: '(#100) m' } });
    expect(graph(100, { error_subcode: 33 }).kind).toBe('not_found');
    expect(graph(200).kind).toBe('invalid_request'); // a missing permission: the artist must fix it
  });

  it('waits the longer of estimated_time_to_regain_access (minutes) and reset_time_duration (seconds), else a minute', () => {
    const buc = (minutes: number) =>
      JSON.stringify({
        '123': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: minutes }],
      });
    expect(metaThrottleWaitMs({ 'x-business-use-case-usage': buc(3) })).toBe(180_000);
    expect(
      metaThrottleWaitMs({
        'x-business-use-case-usage': buc(0),
        'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: 100, reset_time_duration: 45 }),
      }),
    ).toBe(45_000);
    expect(
      metaThrottleWaitMs({
        'x-business-use-case-usage': buc(2),
        'x-ad-account-usage': JSON.stringify({ reset_time_duration: 45 }),
      }),
    ).toBe(120_000);
    expect(metaThrottleWaitMs({ 'x-business-use-case-usage': 'not json' })).toBe(60_000);
    expect(graph(17, {}, { 'x-business-use-case-usage': buc(1) }).detail.retryAfterMs).toBe(60_000);
  });
});

describe('Google Ads errors', () => {
  const failure = (
    status: number,
    grpc: string,
    errorCode: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) =>
    classifyGoogleAdsError(
      response(status, {
        error: {
          code: status,
          message: 'm',
          status: grpc,
          details: [
            {
              '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
              errors: [{ errorCode, message: 'The field is wrong.', ...extra }],
              requestId: 'r',
            },
          ],
        },
      }),
    );

  it("OAuth token errors are token errors; a missing developer token is not the artist's to fix by reconnecting", () => {
    expect(failure(401, 'UNAUTHENTICATED', { authenticationError: 'OAUTH_TOKEN_EXPIRED' }).kind).toBe('token_invalid');
    expect(failure(401, 'UNAUTHENTICATED', { authenticationError: 'OAUTH_TOKEN_REVOKED' }).kind).toBe('token_invalid');
    expect(failure(401, 'UNAUTHENTICATED', { authenticationError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' }).kind).toBe(
      'invalid_request',
    );
    expect(failure(403, 'PERMISSION_DENIED', { authorizationError: 'USER_PERMISSION_DENIED' }).kind).toBe(
      'invalid_request',
    );
  });

  it('quota errors wait for retryDelay (30 s when absent); 5xx are transient; the rest are invalid with the message', () => {
    expect(
      failure(
        429,
        'RESOURCE_EXHAUSTED',
        { quotaError: 'RESOURCE_TEMPORARILY_EXHAUSTED' },
        { details: { quotaErrorDetails: { rateScope: 'ACCOUNT', retryDelay: '1.5s' } } },
      ),
    ).toMatchObject({ kind: 'rate_limited', detail: { retryAfterMs: 1_500 } });
    expect(failure(400, 'RESOURCE_EXHAUSTED', { quotaError: 'RESOURCE_EXHAUSTED' })).toMatchObject({
      kind: 'rate_limited',
      detail: { retryAfterMs: 30_000 },
    });
    expect(failure(503, 'UNAVAILABLE', { internalError: 'TRANSIENT_ERROR' }).kind).toBe('unavailable');
    expect(failure(504, 'DEADLINE_EXCEEDED', { internalError: 'DEADLINE_EXCEEDED' }).kind).toBe('unavailable');
    expect(failure(400, 'INVALID_ARGUMENT', { campaignBudgetError: 'BUDGET_BELOW_PER_DAY_MINIMUM' })).toMatchObject({
      kind: 'invalid_request',
      detail: { code: 'campaignBudgetError.BUDGET_BELOW_PER_DAY_MINIMUM', userMessage: 'The field is wrong.' },
    });
    expect(failure(400, 'INVALID_ARGUMENT', { mutateError: 'RESOURCE_NOT_FOUND' }).kind).toBe('not_found');
  });

  it('reads google.protobuf.Duration strings', () => {
    expect(parseRetryDelay('30s')).toBe(30_000);
    expect(parseRetryDelay('0.25s')).toBe(250);
    expect(parseRetryDelay('30')).toBeNull();
    expect(parseRetryDelay(undefined)).toBeNull();
  });
});
