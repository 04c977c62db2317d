// Denial of service, as an attacker over HTTP against the real stack: an export the client walks away from keeps
// the server reading and decrypting every page; junk time zones reach the database and fill the zone cache; the
// deletion-by-e-mail lookup scans every subscriber; the campaign list has no pages and one query per campaign.
// The API under attack runs on a pool that counts the queries it sends (a slonik interceptor on a real pool).
import { request } from 'node:http';
import { type Interceptor } from 'slonik';
import { z } from 'zod';
import { createDatabasePool, type DatabasePool, sql } from '../../db/pool';
import { startTestApi, type TestApi } from '../helpers/app';
import { artistAccount, createCampaign, http, startReleaseStack, type ReleaseStack } from '../helpers/release-stack';

let stack: ReleaseStack;
let counted: DatabasePool;
let api: TestApi;
const queries: string[] = [];
const counter: Interceptor = {
  name: 'count-queries',
  beforeQueryExecution: (_context, query) => {
    queries.push(query.sql);
    return null;
  },
};
const sent = (marker: string) => queries.filter((q) => q.includes(marker)).length;

beforeAll(async () => {
  stack = await startReleaseStack({ startWorker: false });
  counted = await createDatabasePool(stack.db.url, { maximumPoolSize: 4, interceptors: [counter] });
  api = await startTestApi({
    config: stack.config,
    pool: counted,
    temporal: stack.temporal.client,
    keyRing: stack.keyRing,
  });
});
afterAll(async () => {
  await api?.close();
  await counted?.end();
  await stack?.close();
});

describe('denial of service', () => {
  it('stops reading and decrypting the fans export once the client has gone', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Big list');
    // 20,000 (confirmed) subscribers: 40 pages of 500.
    const ids = await stack.db.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
      SELECT gen_random_uuid()::text AS id FROM generate_series(1, 20000)`);
    const emails = ids.map((id) => stack.keyRing.encrypt(`fan-${id}@example.com`, `subscribers:${id}:email`));
    await stack.db.pool.query(sql.unsafe`
      INSERT INTO subscribers (id, campaign_id, email_enc, email_hash, consent_text, confirmed_at)
      SELECT u.id, ${campaign.id}, u.enc, 'h-' || u.id::text, 'I agree', now()
      FROM unnest(${sql.array(ids, 'uuid')}, ${sql.array(emails, 'text')}) AS u(id, enc)`);

    const PAGE_QUERY = 'email_enc AS "emailEnc"';
    const before = sent(PAGE_QUERY);
    // The attacker asks for the export, takes the first bytes and hangs up.
    await new Promise<void>((resolve, reject) => {
      const req = request(`${api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers: account.headers }, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 2_000));
    // Today's code reads all 40 pages for nobody; the fix stops within a page or two of the hang-up.
    expect(sent(PAGE_QUERY) - before).toBeLessThanOrEqual(3);

    // A client that stays gets every row.
    const full = await http.get(`${api.url}/v1/campaigns/${campaign.id}/fans.csv`, { headers: account.headers });
    expect(String(full.data).trim().split('\r\n')).toHaveLength(20_001);
  });

  it('refuses junk time zones without a query, so they neither reach the database nor fill the zone cache', async () => {
    const account = await artistAccount(stack);
    const campaign = await createCampaign(stack, account, 'Zones');
    const ZONE_QUERY = 'pg_timezone_names';
    const before = sent(ZONE_QUERY);
    for (let i = 0; i < 200; i++) {
      const res = await http.get(`${api.url}/l/${campaign.slug}/presave/spotify`, { params: { tz: `Junk/Zone_${i}` } });
      expect(res.status).toBe(302); // the campaign's zone serves instead
    }
    expect(sent(ZONE_QUERY) - before).toBe(0);

    // A real zone is looked up once and remembered.
    const real = sent(ZONE_QUERY);
    for (let i = 0; i < 3; i++) {
      expect(
        (await http.get(`${api.url}/l/${campaign.slug}/presave/spotify`, { params: { tz: 'Pacific/Chatham' } })).status,
      ).toBe(302);
    }
    expect(sent(ZONE_QUERY) - real).toBeLessThanOrEqual(1);
    // Junk in the API is still a 400.
    const bad = await http.patch(
      `${api.url}/v1/campaigns/${campaign.id}`,
      { timeZone: 'Mars/Olympus_Mons' },
      { headers: account.headers },
    );
    expect(bad.status).toBe(400);
  });

  it('finds a deletion-by-e-mail subscriber through an index, not a scan of every subscriber', async () => {
    const plan = await stack.db.pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
      return tx.anyFirst(sql.type(z.object({ 'QUERY PLAN': z.string() }))`
        EXPLAIN SELECT id FROM subscribers WHERE email_hash = 'x' ORDER BY consented_at DESC LIMIT 1`);
    });
    expect(plan.join('\n')).toContain('subscribers_email_hash');
    // The form itself answers the same whatever the address.
    const res = await http.post(`${api.url}/privacy/delete/email`, 'email=nobody%40example.com', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
  });

  it('pages the campaign list with a cursor, in one query whatever the page size', async () => {
    const account = await artistAccount(stack);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createCampaign(stack, account, `Single ${i}`)).id);

    const LIST_QUERY = 'CROSS JOIN LATERAL';
    const PROGRESS_QUERY = "FILTER (WHERE p.state = 'done')";
    const before = { list: sent(LIST_QUERY), progress: sent(PROGRESS_QUERY), all: queries.length };
    const first = await http.get(`${api.url}/v1/campaigns`, { params: { limit: 2 }, headers: account.headers });
    expect(first.status).toBe(200);
    // One list query carrying every campaign's progress; no query per campaign.
    expect(sent(LIST_QUERY) - before.list).toBe(1);
    expect(sent(PROGRESS_QUERY) - before.progress).toBe(1);
    expect(first.data.items).toHaveLength(2);
    expect(first.data.items[0]).toEqual(
      expect.objectContaining({
        id: made[4],
        slug: expect.any(String),
        landingUrl: expect.any(String),
        status: 'scheduled',
        progress: { total: 0, pending: 0, done: 0, failed: 0, revoked: 0, cancelled: 0, foreverSave: 0 },
        nextWaveAt: null,
      }),
    );
    const seen = [...first.data.items.map((c: { id: string }) => c.id)];
    let cursor: string | null = first.data.nextCursor;
    while (cursor) {
      const page = await http.get(`${api.url}/v1/campaigns`, {
        params: { limit: 2, cursor },
        headers: account.headers,
      });
      expect(page.status).toBe(200);
      seen.push(...page.data.items.map((c: { id: string }) => c.id));
      cursor = page.data.nextCursor;
    }
    expect(seen).toEqual([...made].reverse());

    const junk = await http.get(`${api.url}/v1/campaigns`, { params: { cursor: 'nope' }, headers: account.headers });
    expect(junk.status).toBe(400);
    expect(
      (await http.get(`${api.url}/v1/campaigns`, { params: { limit: 100000 }, headers: account.headers })).status,
    ).toBe(400);
  });
});
