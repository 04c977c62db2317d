// The one OAuth state + PKCE module against real PostgreSQL: a state comes back once with its context and its PKCE
// verifier, sealed in it (nothing written at issue, nothing readable by the provider); an expired, tampered, forged
// or other-purpose state is refused, and so is one from another browser.
import { z } from 'zod';
import { createOAuthStates, type OAuthStates } from '../../api/oauth/state';
import { sql } from '../../db/pool';
import { codeChallengeS256 } from '../../lib/crypto/pkce';
import { SigningKeys, signingKeys } from '../../lib/crypto/signed-value';
import { testConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let states: OAuthStates;
const { config, keyRing } = testConfig();
const keys = signingKeys(config);
const signValue = (secret: string | SigningKeys, payload: unknown, ttlMs: number) =>
  (typeof secret === 'string' ? SigningKeys.fromConfig({ STATE_SIGNING_SECRET: secret }) : secret).sign(
    'oauth-state',
    payload,
    ttlMs,
  );
const secret = keys;
const FAN = ['presave', 'deletion'] as const;

beforeAll(async () => {
  db = await createTestDatabase();
  states = createOAuthStates({ pool: db.pool, keyRing, config });
});
afterAll(async () => {
  await db?.drop();
});

/** The signed value's parts: key id, base64url JSON body and its MAC. */
const decode = (state: string) => {
  const [kid, body, mac] = state.split('.');
  const envelope = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { payload: Record<string, unknown> };
  return { envelope, mac: `${kid}|${mac}` };
};
const encode = (envelope: unknown, kidMac: string) => {
  const [kid, mac] = kidMac.split('|');
  return `${kid}.${Buffer.from(JSON.stringify(envelope)).toString('base64url')}.${mac}`;
};

describe('OAuth state', () => {
  it('is consumed once, with its purpose, context and PKCE verifier', async () => {
    const issued = await states.issue('deletion', { timeZone: 'Europe/Paris' }, 60_000);
    expect(issued.state).not.toContain(issued.codeChallenge);
    const consumed = await states.consume(issued.state, { purposes: FAN });
    expect(consumed).toEqual({
      ok: true,
      purpose: 'deletion',
      campaignId: null,
      accountId: null,
      timeZone: 'Europe/Paris',
      lang: null, // no language given at issue (the fan's pages pass theirs)
      foreverSave: false,
      memberId: null, // only a Google sign-in that accepts an invitation names a member
      codeVerifier: expect.any(String),
    });
    if (!consumed.ok) throw new Error('unreachable');
    expect(codeChallengeS256(consumed.codeVerifier)).toBe(issued.codeChallenge);
    expect(await states.consume(issued.state, { purposes: FAN })).toEqual({ ok: false, refusal: 'used' });
  });

  it('writes nothing at issue and shows the provider none of its context: sealed, and refused once opened', async () => {
    const count = () =>
      db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM oauth_state_uses`);
    const before = await count();
    const issued = await states.issue(
      'presave',
      { campaignId: '5b0f0c1e-8a4d-4c5e-9a7b-3c2d1e0f9a8b', timeZone: 'Asia/Tokyo', lang: 'ja' },
      60_000,
    );
    expect(await count()).toBe(before);
    const { envelope, mac } = decode(issued.state);
    const clear = Buffer.from(issued.state.split('.')[1]!, 'base64url').toString('utf8');
    for (const secretPart of ['5b0f0c1e', 'Asia/Tokyo', '"ja"']) expect(clear).not.toContain(secretPart);
    // Another state's sealed context under this state's nonce and signature: the MAC refuses it.
    const other = decode((await states.issue('presave', { timeZone: 'Europe/Paris' }, 60_000)).state).envelope;
    const swapped = encode({ ...envelope, payload: { ...envelope.payload, x: other.payload.x } }, mac);
    expect(await states.consume(swapped, { purposes: FAN })).toEqual({ ok: false, refusal: 'invalid' });
    // Re-signed with our own keys (as a leak of the signing key would allow) but sealed for another nonce: refused.
    const resigned = signValue(secret, { ...envelope.payload, x: other.payload.x }, 60_000);
    expect(await states.consume(resigned, { purposes: FAN })).toEqual({ ok: false, refusal: 'invalid' });
    expect(await states.consume(issued.state, { purposes: FAN })).toMatchObject({
      ok: true,
      timeZone: 'Asia/Tokyo',
      lang: 'ja',
    });
    expect(await count()).toBe(before + 1);
  });

  it('gives a state to exactly one of two concurrent callbacks', async () => {
    const issued = await states.issue('deletion', {}, 60_000);
    const results = await Promise.all([1, 2, 3].map(() => states.consume(issued.state, { purposes: FAN })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.refusal === 'used')).toHaveLength(2);
  });

  it('refuses an expired state', async () => {
    const issued = await states.issue('deletion', {}, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await states.consume(issued.state, { purposes: FAN })).toEqual({ ok: false, refusal: 'expired' });
  });

  it('refuses a state of another purpose, and leaves it for its own callback', async () => {
    const issued = await states.issue('connect:google', {}, 60_000);
    expect(await states.consume(issued.state, { purposes: FAN })).toEqual({ ok: false, refusal: 'wrong_purpose' });
    const asMeta = await states.consume(issued.state, { purposes: ['connect:meta'] });
    expect(asMeta).toEqual({ ok: false, refusal: 'wrong_purpose' });
    const asGoogle = await states.consume(issued.state, { purposes: ['connect:google'] });
    expect(asGoogle).toMatchObject({ ok: true, purpose: 'connect:google' });
  });

  it('refuses a tampered or forged state without consuming the real one', async () => {
    const issued = await states.issue('connect:google', {}, 60_000);
    const { envelope, mac } = decode(issued.state);
    // The purpose rewritten to be accepted by the fans' callback, under the original signature.
    const invalid = { ok: false, refusal: 'invalid' };
    const relabelled = encode({ ...envelope, payload: { ...envelope.payload, p: 'presave' } }, mac);
    expect(await states.consume(relabelled, { purposes: FAN })).toEqual(invalid);
    const longer = encode({ ...envelope, expiresAt: Date.now() + 3_600_000 }, mac);
    expect(await states.consume(longer, { purposes: ['connect:google'] })).toEqual(invalid);
    const forged = signValue('another-secret-0123456789abcdefghij', envelope.payload, 60_000);
    expect(await states.consume(forged, { purposes: ['connect:google'] })).toEqual(invalid);
    for (const garbage of ['', 'x', 'a.b', `${issued.state}.x`]) {
      expect(await states.consume(garbage, { purposes: ['connect:google'] })).toEqual(invalid);
    }
    // Correctly signed but without a purpose (the shape of states issued before purposes were signed).
    const unlabelled = signValue(secret, { n: envelope.payload.n }, 60_000);
    expect(await states.consume(unlabelled, { purposes: ['connect:google'] })).toEqual(invalid);
    expect(await states.consume(issued.state, { purposes: ['connect:google'] })).toMatchObject({ ok: true });
  });

  it('refuses a state bound to another browser, and leaves it for the browser that started it', async () => {
    const issued = await states.issue('presave', { timeZone: 'Asia/Tokyo' }, 60_000);
    const otherBrowser = { ok: false, refusal: 'other_browser' };
    expect(await states.consume(issued.state, { purposes: FAN, browserNonce: null })).toEqual(otherBrowser);
    expect(await states.consume(issued.state, { purposes: FAN, browserNonce: 'someone-else' })).toEqual(otherBrowser);
    const same = await states.consume(issued.state, { purposes: FAN, browserNonce: issued.nonce });
    expect(same).toMatchObject({ ok: true, purpose: 'presave', timeZone: 'Asia/Tokyo' });
  });
});
