// Attack: one kind of signed value replayed as another. Every signed value used to be an HMAC under one secret with
// no purpose: the dashboard's artist session cookie ({a, k}) also read as an ops session ({a}) and opened the codec
// endpoint, which decodes every workflow payload. Each purpose now has its own key (HKDF from the signing ring) and
// is written in the value, so a value of one kind is refused as any other.
import { insertApiKey } from '../../db/accounts';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import {
  artistAccount,
  confirmSubscription,
  cookiesOf,
  createCampaign,
  dashboardSession,
  http,
  useReleaseStack,
} from '../helpers/release-stack';
import { sql } from '../../db/pool';
import { z } from 'zod';

const stack = useReleaseStack({ startWorker: false });

describe('signed values carry their purpose', () => {
  it('a dashboard session replayed as an ops session does not open the codec', async () => {
    // An account of the ops team that also has an artist key (for the dashboard).
    const artist = await artistAccount(stack);
    const accountId = await stack.db.pool.oneFirst(sql.type(z.object({ id: z.string() }))`
      SELECT account_id AS id FROM api_keys WHERE key_hash = ${hashApiKey(artist.apiKey)}`);
    await insertApiKey(stack.db.pool, { accountId, role: 'ops', keyHash: hashApiKey(generateApiKey('ops')) });
    const session = (await dashboardSession(stack, artist.apiKey)).replace(/^dd_app_session=/, '');
    const decode = await http.post(
      `${stack.api.url}/codec/decode`,
      { payloads: [] },
      { headers: { cookie: `dd_ops_session=${session}` } },
    );
    expect(decode.status).toBe(401);
  });

  it('an unsubscribe link token is not a deletion link, a session or an OAuth state', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Purpose');
    await http.post(
      `${stack.api.url}/l/${campaign.slug}/subscribe`,
      new URLSearchParams({ email: 'fan@example.com', consent: 'yes' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    // Double opt-in: the unsubscribe link comes with the confirmation of the subscription.
    const subscribed = await confirmSubscription(stack, 'fan@example.com');
    const token = /href="[^"]*\/u\/([^"]+)"/.exec(String(subscribed.data))?.[1];
    expect(token).toBeTruthy();
    expect((await http.get(`${stack.api.url}/u/${token}`)).status).toBe(200);
    const asDeletion = await http.get(`${stack.api.url}/privacy/delete/confirm/${token}`);
    expect(asDeletion.status).toBeGreaterThanOrEqual(400);
    const asSession = await http.get(`${stack.api.url}/v1/campaigns`, {
      headers: { cookie: `dd_app_session=${token}` },
    });
    expect(asSession.status).toBe(401);
    const asState = await http.get(`${stack.api.url}/oauth/google/callback`, { params: { code: 'x', state: token } });
    expect(asState.status).toBe(400);
    expect(cookiesOf(asState)).toBe('');
  });
});
