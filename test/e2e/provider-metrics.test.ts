// Every provider call the API makes is counted in the API's own /metrics, through the hook the provider layer is
// given: an artist's Google connection (a code exchange at the Google OAuth simulator, over real HTTP) shows as a
// request by provider, operation and outcome, with its latency, and a refused code shows with its error kind.
import { startGoogleSimulator } from '../../simulators/google';
import { artistAccount, confirmConnect, hiddenFields, http, useReleaseStack } from '../helpers/release-stack';
import { GOOGLE_APP, googleEnv } from '../helpers/ad-simulators';

let google: Awaited<ReturnType<typeof startGoogleSimulator>>;
beforeAll(async () => {
  google = await startGoogleSimulator(GOOGLE_APP);
});
const stack = useReleaseStack(() => ({ startWorker: false, env: googleEnv(google) }));
afterAll(async () => {
  await google?.close();
});

/** The consent URL the API answers for a new Google connection, and the signed state in it. */
async function startConnecting(account: { apiKey: string }) {
  const { authorizeUrl, cookie } = await confirmConnect(stack, account, 'google');
  return { authorizeUrl, cookie, state: new URL(authorizeUrl).searchParams.get('state')! };
}

const apiMetrics = async () => String((await http.get(`${stack.api.url}/metrics`)).data);
const series = (text: string, name: string, labels: Record<string, string>) =>
  text
    .split('\n')
    .find(
      (line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)),
    );

describe("the API's provider metrics", () => {
  it('counts a code exchange by provider, operation and outcome with its latency, a refused one by kind', async () => {
    const account = await artistAccount(stack);
    const consented = await startConnecting(account);
    const form = hiddenFields((await http.get(consented.authorizeUrl)).data);
    form.set('user', 'metrics-advertiser');
    form.set('decision', 'accept');
    const consent = await http.post(`${google.url}/o/oauth2/v2/auth`, form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await http.get(String(consent.headers.location), { headers: { cookie: consented.cookie } })).status).toBe(
      200,
    );

    const refused = await startConnecting(account);
    const params = { code: 'not-a-code', state: refused.state };
    const callback = await http.get(`${stack.api.url}/oauth/google/callback`, {
      params,
      headers: { cookie: refused.cookie },
    });
    expect(callback.status).toBe(502);

    const text = await apiMetrics();
    const exchange = { provider: 'google', operation: 'oauth.token' };
    expect(series(text, 'dropday_provider_calls_total', { ...exchange, outcome: 'ok', status: '200' })).toMatch(/ 1$/);
    const refusedCall = { ...exchange, outcome: 'token_invalid', status: '400' };
    expect(series(text, 'dropday_provider_calls_total', refusedCall)).toMatch(/ 1$/);
    expect(series(text, 'dropday_provider_call_duration_seconds_count', { ...exchange, outcome: 'ok' })).toMatch(/ 1$/);
  });
});
