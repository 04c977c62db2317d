// The Twilio Messages API simulator against its contract (docs/providers/twilio.md), through dropday's own client:
// what Twilio accepts, what it refuses with which code and how the client classifies it, and faults on demand.
import axios from 'axios';
import { ProviderError } from '../../lib/providers/errors';
import { TwilioClient } from '../../lib/providers/twilio';
import { startTwilioSimulator } from '../../simulators/twilio';

const http = axios.create({ validateStatus: () => true });
const ACCOUNT = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'secret-token' };
let sim: Awaited<ReturnType<typeof startTwilioSimulator>>;
const clientWith = (password: string, timeoutMs?: number) =>
  new TwilioClient(
    { accountSid: ACCOUNT.accountSid, username: ACCOUNT.accountSid, password, from: '+15005550006' },
    { apiUrl: sim.url, timeoutMs },
  );

beforeAll(async () => {
  sim = await startTwilioSimulator({ ...ACCOUNT, maxPerSecond: 3 });
});
afterAll(async () => {
  await sim?.close();
});

async function kindOf(promise: Promise<unknown>): Promise<[string, number | string | undefined]> {
  try {
    await promise;
    return ['ok', undefined];
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return [error.kind, error.code];
  }
}

describe('Twilio simulator', () => {
  it('sends an SMS with basic auth and answers 201 with the message sid', async () => {
    const { sid } = await clientWith(ACCOUNT.authToken).sendSms({ to: '+33612345678', body: 'hello' });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sim.state.sent.at(-1)).toMatchObject({ sid, to: '+33612345678', from: '+15005550006', body: 'hello' });
  });

  it('refuses bad credentials, bad numbers, opted-out recipients and bursts with Twilio codes', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // a fresh rate window
    expect(await kindOf(clientWith('wrong').sendSms({ to: '+33612345678', body: 'x' }))).toEqual([
      'token_invalid',
      20003,
    ]);
    const client = clientWith(ACCOUNT.authToken);
    expect(await kindOf(client.sendSms({ to: '0612345678', body: 'x' }))).toEqual(['invalid_request', 21211]);
    await http.post(`${sim.url}/__control/stop`, { to: '+33600000001' });
    expect(await kindOf(client.sendSms({ to: '+33600000001', body: 'x' }))).toEqual(['recipient_opted_out', 21610]);
    await new Promise((r) => setTimeout(r, 1_100));
    const burst = await Promise.all(
      Array.from({ length: 5 }, (_, i) => kindOf(client.sendSms({ to: `+3361234500${i}`, body: 'x' }))),
    );
    expect(burst.filter(([k]) => k === 'ok')).toHaveLength(3);
    expect(burst.filter(([k]) => k === 'rate_limited')).toEqual([
      ['rate_limited', 20429],
      ['rate_limited', 20429],
    ]);
  });

  it('injects faults on demand: 503, 429 with Retry-After, and a timeout on a write (outcome unknown)', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const client = clientWith(ACCOUNT.authToken, 500);
    await http.post(`${sim.url}/__control/faults`, { status: 503 });
    expect((await kindOf(client.sendSms({ to: '+33612345678', body: 'x' })))[0]).toBe('unavailable');
    await http.post(`${sim.url}/__control/faults`, { status: 429 });
    try {
      await client.sendSms({ to: '+33612345678', body: 'x' });
      throw new Error('expected a 429');
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).retryAfterMs).toBe(1_000);
    }
    await http.post(`${sim.url}/__control/faults`, { status: 'timeout' });
    expect((await kindOf(client.sendSms({ to: '+33612345678', body: 'x' })))[0]).toBe('outcome_unknown');
  });
});
