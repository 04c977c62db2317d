// A superstar campaign's engagement written in bulk (generate_series, one transaction): fans in 24 zones with their
// pre-saves (80 % delivered), and `events` in the shape the attribution and page capabilities write them, spread
// over the last 30 days: views and clicks from four sources, one authorisation per fan, plays after the release,
// saves, follows, sign-ups. Abuse is in it: a bot block of authorisations from 30 IPs and one user agent in half an
// hour, 1 % of accounts created an hour before authorising, 2 % of fans playing twice within 10 s.
import { type DatabasePool, sql } from '../../db/pool';

export interface SeedSize {
  events: number;
  fans: number;
}

const ZONES = [
  'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Denver', 'America/Chicago',
  'America/New_York', 'America/Sao_Paulo', 'Atlantic/Azores', 'Europe/London', 'Europe/Berlin', 'Europe/Athens',
  'Europe/Moscow', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Dhaka', 'Asia/Bangkok', 'Asia/Singapore',
  'Asia/Tokyo', 'Australia/Brisbane', 'Australia/Sydney', 'Pacific/Noumea', 'Pacific/Auckland', 'Pacific/Tongatapu',
]; // prettier-ignore

/** Seeds the campaign; returns how many events of each type went in. */
export async function seedSuperstarCampaign(pool: DatabasePool, campaignId: string, size: SeedSize) {
  const run = `${Date.now()}`;
  const f = size.fans;
  const plays = (f - Math.floor(f / 4)) * 2;
  const counts = {
    AUTH: f,
    STREAM: plays,
    SAVE_TRACK: Math.floor(f / 2),
    FOLLOW_ARTIST: Math.ceil(f / 2),
    EMAIL_SIGNUP: Math.floor(f / 4),
    CLICK: Math.floor(size.events * 0.12),
    PAGE_VIEW: 0,
  };
  counts.PAGE_VIEW = size.events - Object.values(counts).reduce((a, b) => a + b, 0);
  if (counts.PAGE_VIEW < 0) throw new Error('more fans than the events can hold: raise --events or lower --fans');

  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET LOCAL synchronous_commit = off`);
    // Times: the window is the last 30 days; the release 10 days ago; `spread(g, secs)` scatters g over secs.
    await tx.query(sql.unsafe`
      CREATE TEMPORARY TABLE bench_clock ON COMMIT DROP AS
      SELECT now() - interval '30 days' AS start, now() - interval '10 days' AS release`);
    await tx.query(sql.unsafe`
      CREATE FUNCTION pg_temp.spread(g bigint, secs bigint) RETURNS interval LANGUAGE sql IMMUTABLE AS
      $$ SELECT make_interval(secs => ((g * 2654435761) % (secs * 1000)) / 1000.0) $$`);
    await tx.query(sql.unsafe`
      INSERT INTO fans (provider, provider_user_id, time_zone)
      SELECT 'spotify', ${`bench-${run}-`} || g, (${sql.array(ZONES, 'text')})[1 + g % 24]
      FROM generate_series(1, ${f}) g`);
    await tx.query(sql.unsafe`
      CREATE TEMPORARY TABLE bench_fans ON COMMIT DROP AS
      SELECT substring(provider_user_id FROM ${`bench-${run}-(\\d+)`})::bigint AS n, id
      FROM fans WHERE provider_user_id LIKE ${`bench-${run}-%`}`);
    await tx.query(sql.unsafe`
      INSERT INTO presaves (campaign_id, fan_id, platform, due_at, state, executed_at)
      SELECT ${campaignId}, id, 'spotify', c.release + ((n % 24) - 12) * interval '1 hour',
             CASE WHEN n % 10 < 8 THEN 'done' ELSE 'pending' END,
             CASE WHEN n % 10 < 8 THEN c.release + ((n % 24) - 12) * interval '1 hour' END
      FROM bench_fans, bench_clock c`);

    const source = (column: string) => {
      const g = sql.identifier([column]);
      return sql.fragment`
        (ARRAY['social', 'email', 'paid', NULL])[1 + ${g} % 4], (ARRAY['instagram', 'newsletter', 'meta', NULL])[1 + ${g} % 4],
        (ARRAY[NULL, 'email', 'cpc', NULL])[1 + ${g} % 4]`;
    };
    const insert = sql.fragment`
      INSERT INTO events (campaign_id, fan_id, type, dedupe_key, occurred_at, channel, source, medium, ip_hash, ua_hash,
                          played_at, track_id, properties)`;
    for (const type of ['PAGE_VIEW', 'CLICK', 'EMAIL_SIGNUP'] as const)
      await tx.query(sql.unsafe`${insert}
        SELECT ${campaignId}, NULL, ${type}, ${`bench:${run}:${type}:`} || g, c.start + pg_temp.spread(g, 30 * 86400),
               ${source('g')}, 'ip-v' || g % 500000, 'ua-' || g % 50, NULL, NULL, '{}'::jsonb
        FROM generate_series(1, ${counts[type]}) g, bench_clock c`);
    // One authorisation per fan in the 20 days before the release; the first 3,000 fans are a bot block.
    await tx.query(sql.unsafe`${insert}
      SELECT ${campaignId}, id, 'AUTH', ${`bench:${run}:AUTH:`} || n, at, ${source('n')},
             CASE WHEN n <= 3000 THEN 'ip-bot-' || n % 30 ELSE 'ip-f' || n END,
             CASE WHEN n <= 3000 THEN 'ua-bot' ELSE 'ua-' || n % 50 END, NULL, NULL,
             CASE WHEN n % 100 = 0 THEN jsonb_build_object('accountCreatedAt', at - interval '1 hour') ELSE '{}' END
      FROM (SELECT n, id, CASE WHEN n <= 3000 THEN c.start + interval '5 days' + pg_temp.spread(n, 1800)
                               ELSE c.start + pg_temp.spread(n, 20 * 86400) END AS at
            FROM bench_fans, bench_clock c) a`);
    // Two plays for three fans in four, within 28 days of the release; every 50th fan plays again after 10 s.
    await tx.query(sql.unsafe`${insert}
      SELECT ${campaignId}, id, 'STREAM', ${`bench:${run}:STREAM:`} || n || ':' || k, played + interval '2 minutes',
             NULL, NULL, NULL, NULL, NULL, played, 'track-' || n % 12, '{}'::jsonb
      FROM (SELECT n, id, k,
                   CASE WHEN k = 2 AND n % 50 = 0 THEN c.release + pg_temp.spread(n, 9 * 86400) + interval '10 seconds'
                        ELSE c.release + pg_temp.spread(n * k, 9 * 86400) END AS played
            FROM bench_fans, bench_clock c, generate_series(1, 2) k WHERE n % 4 <> 0) p`);
    for (const [type, parity] of [
      ['SAVE_TRACK', 0],
      ['FOLLOW_ARTIST', 1],
    ] as const)
      await tx.query(sql.unsafe`${insert}
        SELECT ${campaignId}, id, ${type}, ${`bench:${run}:${type}:`} || n, c.release + pg_temp.spread(n, 3 * 86400),
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}'::jsonb
        FROM bench_fans, bench_clock c WHERE n % 2 = ${parity}`);
  });
  await pool.query(sql.unsafe`ANALYZE events`);
  await pool.query(sql.unsafe`ANALYZE presaves`);
  await pool.query(sql.unsafe`ANALYZE fans`);
  return counts;
}
