// A release batch claims its rows in one statement and settles them in one statement: each row gets its own outcome
// (done, failed, revoked, or given back with or without counting the attempt), and only rows this claim still
// holds are written. The duplicate-save guard rests on the attempt count: a row given back after an uncertain try
// keeps its attempt, so its next claim looks before saving.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { insertAccount } from '../../db/accounts';
import { upsertFan } from '../../db/fans';
import { claimDuePresaves, settlePresaves, upsertPresave } from '../../db/presaves';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const rowShape = z.object({
  id: z.string(),
  state: z.string(),
  reason: z.string().nullable(),
  lastError: z.string().nullable(),
  attempts: z.number(),
  executed: z.boolean(),
  claimToken: z.string().nullable(),
});

async function rowsOf(campaignId: string) {
  const rows = await db.pool.any(sql.type(rowShape)`
    SELECT id, state, reason, last_error AS "lastError", attempts, executed_at IS NOT NULL AS executed,
           claim_token AS "claimToken"
    FROM presaves WHERE campaign_id = ${campaignId}`);
  return new Map(rows.map((r) => [r.id, r]));
}

/** A campaign released a minute ago with `fans` pending pre-saves, all due now. */
async function dueCampaign(fans: number): Promise<string> {
  const campaignId = await db.pool.transaction(async (tx) => {
    const account = await insertAccount(tx, { name: 'a', email: `a-${Math.random()}@example.com` });
    const artistId = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO artists (account_id, name) VALUES (${account.id}, 'x') RETURNING id`);
    const when = new Date(Date.now() - 60_000).toISOString();
    return tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO campaigns (account_id, artist_id, title, upc, release_date, release_time, release_policy, time_zone, slug)
      VALUES (${account.id}, ${artistId}, 't', '00602445790128', ${when.slice(0, 10)}::date, ${when.slice(11, 19)}::time,
              'global', 'UTC', ${`s-${Math.random().toString(36).slice(2)}`}) RETURNING id`);
  });
  for (let i = 0; i < fans; i++) {
    const fanId = await upsertFan(db.pool, {
      provider: 'spotify',
      providerUserId: `settle-${campaignId}-${i}`,
      timeZone: null,
    });
    await upsertPresave(db.pool, { campaignId, fanId, platform: 'spotify' });
  }
  return campaignId;
}

describe('settling a claimed batch in one statement', () => {
  it("writes each row's own outcome, and counts an attempt only when something was sent", async () => {
    const campaignId = await dueCampaign(5);
    const claimed = await claimDuePresaves(db.pool, {
      campaignId,
      claimToken: 'attempt-1',
      limit: 10,
      leaseMs: 30_000,
    });
    expect(claimed).toHaveLength(5);
    const [done, failed, revoked, untried, uncertain] = claimed.map((r) => r.id);
    const written = await settlePresaves(db.pool, {
      claimToken: 'attempt-1',
      settlements: [
        { id: done, state: 'done' },
        { id: failed, state: 'failed', reason: 'rejected', lastError: '400 bad uri' },
        { id: revoked, state: 'revoked', reason: 'token_expired' },
        { id: untried, state: 'pending', lastError: 'batch stopped', attempted: false },
        { id: uncertain, state: 'pending', reason: 'quota_exceeded', lastError: 'Spotify paused', attempted: true },
      ],
    });
    expect(new Map(written.map((w) => [w.id, w.state]))).toEqual(
      new Map([
        [done, 'done'],
        [failed, 'failed'],
        [revoked, 'revoked'],
        [untried, 'pending'],
        [uncertain, 'pending'],
      ]),
    );
    const rows = await rowsOf(campaignId);
    expect(rows.get(done)).toMatchObject({
      state: 'done',
      executed: true,
      attempts: 1,
      reason: null,
      claimToken: null,
    });
    expect(rows.get(failed)).toMatchObject({ state: 'failed', reason: 'rejected', lastError: '400 bad uri' });
    expect(rows.get(failed)?.executed).toBe(false);
    expect(rows.get(revoked)).toMatchObject({ state: 'revoked', reason: 'token_expired', executed: false });
    // Given back untried: the claim is not an attempt.
    expect(rows.get(untried)).toMatchObject({ state: 'pending', attempts: 0, lastError: 'batch stopped' });
    // Given back after an uncertain try: the attempt stays, so the next claim (attempts 2) looks before saving.
    expect(rows.get(uncertain)).toMatchObject({ state: 'pending', attempts: 1, reason: 'quota_exceeded' });
    const again = await claimDuePresaves(db.pool, { campaignId, claimToken: 'attempt-2', limit: 10, leaseMs: 30_000 });
    expect(new Map(again.map((r) => [r.id, r.attempts]))).toEqual(
      new Map([
        [untried, 1],
        [uncertain, 2],
      ]),
    );
  });

  it('writes nothing to rows this claim no longer holds', async () => {
    const campaignId = await dueCampaign(3);
    const [a, b, c] = (
      await claimDuePresaves(db.pool, { campaignId, claimToken: 'old', limit: 10, leaseMs: 30_000 })
    ).map((r) => r.id);
    // b was taken over by a successor (the old attempt's lease ran out), c was settled already.
    await db.pool.query(sql.unsafe`UPDATE presaves SET claim_token = 'successor' WHERE id = ${b}`);
    expect(
      await settlePresaves(db.pool, { claimToken: 'old', settlements: [{ id: c, state: 'revoked' }] }),
    ).toHaveLength(1);
    const written = await settlePresaves(db.pool, {
      claimToken: 'old',
      settlements: [
        { id: a, state: 'done' },
        { id: b, state: 'done' },
        { id: c, state: 'done' },
      ],
    });
    expect(written.map((w) => w.id)).toEqual([a]);
    const rows = await rowsOf(campaignId);
    expect(rows.get(b)).toMatchObject({ state: 'running', claimToken: 'successor', executed: false });
    expect(rows.get(c)).toMatchObject({ state: 'revoked', executed: false });
  });
});
