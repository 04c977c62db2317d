// A campaign's engagement as the attribution capability would record it, written straight into `events` (the
// column contract of migration 008), plus fans and pre-saves through the db helpers. The tests state the numbers
// this must produce by hand; nothing here computes them.
import { randomUUID } from 'node:crypto';
import { insertAccount } from '../../db/accounts';
import { abuseRulesFrom } from '../../db/analytics';
import { rollUpAnalytics } from '../../db/analytics-rollup';
import { insertArtist } from '../../db/artists';
import { insertCampaign } from '../../db/campaigns';
import { upsertFan } from '../../db/fans';
import { type DatabasePool, sql } from '../../db/pool';
import { upsertPresave } from '../../db/presaves';
import { type Config } from '../../lib/config';

const HOUR = 3_600_000;
const MINUTE = 60_000;
export const DAY = 24 * HOUR;

export interface EventFixture {
  type: 'PAGE_VIEW' | 'CLICK' | 'AUTH' | 'SAVE_TRACK' | 'FOLLOW_ARTIST' | 'STREAM' | 'EMAIL_SIGNUP';
  at: number;
  fanId?: string;
  channel?: string;
  source?: string;
  medium?: string;
  ipHash?: string;
  uaHash?: string;
  playedAt?: number;
  properties?: Record<string, unknown>;
}

export async function insertEvent(pool: DatabasePool, campaignId: string, e: EventFixture): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO events (campaign_id, fan_id, type, dedupe_key, occurred_at, channel, source, medium, ip_hash, ua_hash,
                        track_id, played_at, properties)
    VALUES (${campaignId}, ${e.fanId ?? null}, ${e.type}, ${`test:${randomUUID()}`}, ${new Date(e.at).toISOString()}::timestamptz,
            ${e.channel ?? null}, ${e.source ?? null}, ${e.medium ?? null}, ${e.ipHash ?? null}, ${e.uaHash ?? null},
            ${e.type === 'STREAM' ? 'track-1' : null},
            ${e.playedAt === undefined ? null : new Date(e.playedAt).toISOString()}::timestamptz, ${JSON.stringify(e.properties ?? {})}::jsonb)`);
}

/** A campaign straight in the database (no API, no release workflow): for analytics over hand-made events. */
export async function bareCampaign(pool: DatabasePool, title: string): Promise<string> {
  const account = await pool.transaction((tx) =>
    insertAccount(tx, { name: title, email: `${randomUUID()}@example.com` }),
  );
  const artist = await insertArtist(pool, { accountId: account.id, name: title });
  const campaign = await insertCampaign(pool, {
    accountId: account.id,
    artistId: artist.id,
    title,
    upc: '00000000000000',
    releaseDate: '2031-06-01',
    releaseTime: '00:00',
    releasePolicy: 'global',
    timeZone: 'UTC',
    followArtist: false,
    platforms: ['spotify'],
    slug: `a-${randomUUID()}`,
  });
  return campaign.id;
}

/** A fan with a pre-save of the campaign, delivered at `delivered.at` (as the release workflow marks it) or pending. */
export async function fan(
  pool: DatabasePool,
  campaignId: string,
  name: string,
  zone: string | null,
  delivered: { at: number } | null,
) {
  const fanId = await upsertFan(pool, {
    provider: 'spotify',
    providerUserId: `${name}-${randomUUID()}`,
    timeZone: zone,
  });
  const presave = await upsertPresave(pool, { campaignId, fanId, platform: 'spotify' });
  if (delivered) {
    // Delivered at the release instant, as the release workflow would have marked it.
    const at = new Date(delivered.at).toISOString();
    await pool.query(sql.unsafe`
      UPDATE presaves SET state = 'done', due_at = ${at}::timestamptz, executed_at = ${at}::timestamptz WHERE id = ${presave.id}`);
  }
  return fanId;
}

/**
 * `day0` is a UTC midnight three days ago; the release instant is day0 + 2 days.
 *
 * Legit: 6 views, 3 clicks, 1 e-mail sign-up, AUTH by f1–f4 (f1–f3 delivered, f4 pending), plays by f1 (2), f2 (one
 * before release, one at +10 days), f3 (one, and a second 10 s later: stream_rate), a save and a follow by f1.
 * Abuse: 6 AUTHs from one IP (b1–b6; b1 delivered), 4 AUTHs from one user agent (u1–u4; u1 also saves), f5 authorises
 * 2 hours after creating their account (delivered, plays once).
 */
export async function seedAnalytics(pool: DatabasePool, campaignId: string, day0: number) {
  const release = day0 + 2 * DAY;
  const ev = (e: EventFixture) => insertEvent(pool, campaignId, e);
  const social = { channel: 'social', source: 'instagram' };
  const email = { channel: 'email', source: 'newsletter', medium: 'email' };

  for (let i = 0; i < 2; i++) await ev({ type: 'PAGE_VIEW', at: day0 + 10 * HOUR + i * MINUTE, ...social });
  for (let i = 0; i < 2; i++) await ev({ type: 'PAGE_VIEW', at: day0 + DAY + 10 * HOUR + i * MINUTE, ...social });
  for (let i = 0; i < 2; i++) await ev({ type: 'PAGE_VIEW', at: day0 + DAY + 11 * HOUR + i * MINUTE, ...email });
  for (let i = 0; i < 2; i++)
    await ev({ type: 'CLICK', at: day0 + DAY + 10 * HOUR + 30 * MINUTE + i * MINUTE, ...social });
  await ev({ type: 'CLICK', at: day0 + DAY + 11 * HOUR + 10 * MINUTE, ...email });
  await ev({ type: 'EMAIL_SIGNUP', at: day0 + DAY + 11 * HOUR + 30 * MINUTE, ...email });

  const f1 = await fan(pool, campaignId, 'f1', 'Europe/Berlin', { at: release });
  const f2 = await fan(pool, campaignId, 'f2', 'Europe/Berlin', { at: release });
  const f3 = await fan(pool, campaignId, 'f3', 'America/New_York', { at: release });
  const f4 = await fan(pool, campaignId, 'f4', 'America/New_York', null);
  const f5 = await fan(pool, campaignId, 'f5', null, { at: release });
  const authAt = day0 + DAY + 12 * HOUR;
  await ev({ type: 'AUTH', at: authAt, fanId: f1, ipHash: 'ip-f1', uaHash: 'ua-a', ...social });
  await ev({ type: 'AUTH', at: authAt + MINUTE, fanId: f2, ipHash: 'ip-f2', uaHash: 'ua-a', ...social });
  await ev({ type: 'AUTH', at: authAt + 2 * MINUTE, fanId: f3, ipHash: 'ip-f3', uaHash: 'ua-b' });
  await ev({ type: 'AUTH', at: authAt + 3 * MINUTE, fanId: f4, ipHash: 'ip-f4', uaHash: 'ua-b' });
  await ev({
    type: 'AUTH',
    at: authAt + 5 * MINUTE,
    fanId: f5,
    ipHash: 'ip-f5',
    uaHash: 'ua-c',
    properties: { accountCreatedAt: new Date(authAt + 5 * MINUTE - 2 * HOUR).toISOString() },
  });
  for (let i = 0; i < 6; i++) {
    const bot = await fan(pool, campaignId, `b${i + 1}`, null, i === 0 ? { at: release } : null);
    await ev({ type: 'AUTH', at: authAt + 30 * MINUTE + i * 40_000, fanId: bot, ipHash: 'ip-bot', uaHash: 'ua-bot' });
  }
  for (let i = 0; i < 4; i++) {
    const u = await fan(pool, campaignId, `u${i + 1}`, null, null);
    await ev({
      type: 'AUTH',
      at: day0 + 2 * DAY + 10 * HOUR + i * MINUTE,
      fanId: u,
      ipHash: `ip-u${i}`,
      uaHash: 'ua-headless',
    });
    if (i === 0) await ev({ type: 'SAVE_TRACK', at: day0 + 2 * DAY + 10 * HOUR + 5 * MINUTE, fanId: u });
  }

  await ev({ type: 'SAVE_TRACK', at: release + 5 * MINUTE, fanId: f1 });
  await ev({ type: 'FOLLOW_ARTIST', at: release + 5 * MINUTE, fanId: f1 });
  const play = (fanId: string, at: number) => ev({ type: 'STREAM', at, playedAt: at, fanId });
  await play(f1, release + HOUR);
  await play(f1, release + HOUR + 3 * MINUTE);
  await play(f2, release - 2 * HOUR);
  await play(f2, release + 10 * DAY);
  await play(f3, release + 2 * HOUR);
  await play(f3, release + 2 * HOUR + 10_000);
  await play(f5, release + HOUR);
  return { release, fans: { f1, f2, f3, f4, f5 } };
}

/** UTC midnight `days` days before now. */
export function utcMidnightDaysAgo(days: number): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * DAY;
}

/**
 * The analytics route reads rollups, which the `analytics-rollup` Schedule brings up to date every 5 s
 * (docs/analytics.md). Stacks without a worker run that round here, once, after writing events: the wait for
 * freshness made explicit, and bounded by one round.
 */
export async function rollUp(stack: { db: { pool: DatabasePool }; config: Config }): Promise<void> {
  await rollUpAnalytics(stack.db.pool, abuseRulesFrom(stack.config));
}
