import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';
import { cancelOpenPresaves, countsByState, moveDuePresaves, type PresaveProgress, progressRow } from './presaves';

type Db = DatabasePool | DatabaseTransactionConnection;

export const campaignRow = z.object({
  id: z.string().uuid(),
  accountId: z.string().uuid(),
  artistId: z.string().uuid(),
  title: z.string(),
  upc: z.string().nullable(),
  isrc: z.string().nullable(),
  releaseDate: z.string(),
  releaseTime: z.string(),
  releasePolicy: z.enum(['local', 'global']),
  timeZone: z.string(),
  followArtist: z.boolean(),
  platforms: z.array(z.string()),
  slug: z.string(),
  status: z.enum(['scheduled', 'releasing', 'completed', 'cancelled']),
  resolution: z.enum(['unresolved', 'candidate', 'confirmed', 'live']),
  spotifyAlbumId: z.string().nullable(),
  spotifyArtistIds: z.array(z.string()),
  artworkUrl: z.string().nullable(),
  /** artwork the artist uploaded (db/artwork.ts): shown instead of the catalogue's */
  artworkUploadId: z.string().uuid().nullable(),
  artistName: z.string(),
  artistSpotifyId: z.string().nullable(),
  /** the release instant in the campaign's zone */
  releaseAt: z.number(),
  /** after this, no zone on Earth is still before the release: pre-saves close, the page becomes a plain link */
  closesAt: z.number(),
  createdAt: z.number(),
  /** the artist measures ads with a Meta pixel (the smart link then asks for ad-measurement consent) */
  hasMetaPixel: z.boolean(),
});
export type Campaign = z.infer<typeof campaignRow>;

// Time-zone arithmetic happens in PostgreSQL (IANA database): local date-time AT TIME ZONE zone → instant.
// Etc/GMT+12 is UTC-12 (POSIX signs are inverted): the last place on Earth to reach a local date-time.
const columns = sql.fragment`
  c.id, c.account_id AS "accountId", c.artist_id AS "artistId", c.title, c.upc, c.isrc,
  to_char(c.release_date, 'YYYY-MM-DD') AS "releaseDate", to_char(c.release_time, 'HH24:MI:SS') AS "releaseTime",
  c.release_policy AS "releasePolicy", c.time_zone AS "timeZone", c.follow_artist AS "followArtist",
  c.platforms, c.slug, c.status, c.resolution, c.spotify_album_id AS "spotifyAlbumId",
  c.spotify_artist_ids AS "spotifyArtistIds", c.artwork_url AS "artworkUrl", c.artwork_upload_id AS "artworkUploadId",
  a.name AS "artistName", a.spotify_artist_id AS "artistSpotifyId",
  (c.release_date + c.release_time) AT TIME ZONE c.time_zone AS "releaseAt",
  CASE WHEN c.release_policy = 'global' THEN (c.release_date + c.release_time) AT TIME ZONE c.time_zone
       ELSE (c.release_date + c.release_time) AT TIME ZONE 'Etc/GMT+12' END AS "closesAt",
  c.created_at AS "createdAt",
  EXISTS (SELECT 1 FROM meta_pixels p WHERE p.artist_id = c.artist_id) AS "hasMetaPixel"`;

const fromCampaigns = sql.fragment`FROM campaigns c JOIN artists a ON a.id = c.artist_id`;

// The zone names this runtime knows (its IANA database), read once. Anything else is refused without a query and
// without a cache entry, so junk values cannot fill the cache below or reach the database.
const intlZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/** A name Intl knows: a listed canonical zone, or an alias Intl resolves (Asia/Kolkata, Etc/GMT+12). */
function intlKnows(zone: string): boolean {
  if (intlZones.has(zone)) return true;
  if (!/^[A-Za-z][\w+-]*(\/[\w+-]+){0,2}$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// pg_timezone_names reads the zone files on every query (tens of ms): remember the answers for names Intl knows
// (the IANA names and aliases, in the exact spelling PostgreSQL matches; other spellings are not remembered).
const knownZones = new Map<string, boolean>();

export async function isKnownTimeZone(db: Db, zone: string): Promise<boolean> {
  if (!intlKnows(zone)) return false;
  const cached = knownZones.get(zone);
  if (cached !== undefined) return cached;
  const known = await db.exists(sql.unsafe`SELECT 1 FROM pg_timezone_names WHERE name = ${zone}`);
  if (known || intlZones.has(zone)) knownZones.set(zone, known);
  return known;
}

export interface NewCampaign {
  accountId: string;
  artistId: string;
  title: string;
  upc?: string;
  isrc?: string;
  releaseDate: string;
  releaseTime: string;
  releasePolicy: 'local' | 'global';
  timeZone: string;
  followArtist: boolean;
  platforms: string[];
  slug: string;
}

export async function insertCampaign(db: Db, input: NewCampaign): Promise<Campaign> {
  const id = await db.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO campaigns (account_id, artist_id, title, upc, isrc, release_date, release_time, release_policy,
                           time_zone, follow_artist, platforms, slug)
    VALUES (${input.accountId}, ${input.artistId}, ${input.title}, ${input.upc ?? null}, ${input.isrc ?? null},
            ${input.releaseDate}::date, ${input.releaseTime}::time, ${input.releasePolicy}, ${input.timeZone},
            ${input.followArtist}, ${sql.array(input.platforms, 'text')}, ${input.slug})
    RETURNING id`);
  return (await findCampaignById(db, id))!;
}

/** Only for undoing a campaign whose workflow could not be started (it has no pre-saves yet). */
export async function deleteCampaign(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM campaigns WHERE id = ${id}`);
}

export async function findCampaignById(db: Db, id: string): Promise<Campaign | null> {
  return db.maybeOne(sql.type(campaignRow)`SELECT ${columns} ${fromCampaigns} WHERE c.id = ${id}`);
}

/** Scoped by account: another tenant's campaign is not found. */
export async function findCampaign(db: Db, accountId: string, id: string): Promise<Campaign | null> {
  return db.maybeOne(sql.type(campaignRow)`
    SELECT ${columns} ${fromCampaigns} WHERE c.id = ${id} AND c.account_id = ${accountId}`);
}

export async function findCampaignBySlug(db: Db, slug: string): Promise<Campaign | null> {
  return db.maybeOne(sql.type(campaignRow)`SELECT ${columns} ${fromCampaigns} WHERE c.slug = ${slug}`);
}

const listedCampaignRow = campaignRow.extend({
  progress: progressRow,
  /** full-precision created_at, for the cursor */
  createdAtKey: z.string(),
});
export type ListedCampaign = Campaign & { progress: PresaveProgress; createdAtKey: string };

/**
 * One page of an account's campaigns, newest first, each with its pre-save progress: one query whatever the page
 * size. `after` is the last row of the previous page.
 */
export async function listCampaignsPage(
  db: Db,
  input: { accountId: string; after?: { createdAtKey: string; id: string }; limit: number },
): Promise<readonly ListedCampaign[]> {
  const after = input.after
    ? sql.fragment`AND (c.created_at, c.id) < (${input.after.createdAtKey}::timestamptz, ${input.after.id}::uuid)`
    : sql.fragment``;
  return db.any(sql.type(listedCampaignRow)`
    SELECT ${columns}, c.created_at::text AS "createdAtKey", to_jsonb(pr) AS progress
    ${fromCampaigns}
    CROSS JOIN LATERAL (
      SELECT ${countsByState},
             (count(*) FILTER (WHERE p.state IN ('pending', 'running') AND p.due_at <= clock_timestamp()))::int AS "dueNow",
             (extract(epoch FROM min(p.due_at) FILTER (WHERE p.state IN ('pending', 'running'))) * 1000)::float8
               AS "nextDueAt"
      FROM presaves p WHERE p.campaign_id = c.id
    ) pr
    WHERE c.account_id = ${input.accountId} ${after}
    ORDER BY c.created_at DESC, c.id DESC
    LIMIT ${input.limit}`);
}

/** The account that owns a campaign, unscoped (ops routes act on any account's campaign); null when none. */
export async function findCampaignOwner(db: Db, id: string): Promise<{ accountId: string } | null> {
  return db.maybeOne(
    sql.type(z.object({ accountId: z.string() }))`SELECT account_id AS "accountId" FROM campaigns WHERE id = ${id}`,
  );
}

const releaseStateRow = z.object({
  status: z.string(),
  resolution: z.string(),
  title: z.string(),
  releaseAt: z.number(),
  closesAt: z.number(),
});

/** Where a campaign stands and when it releases and closes, without the artist join (billing's order checks). */
export async function campaignReleaseState(db: Db, id: string) {
  return db.maybeOne(sql.type(releaseStateRow)`
    SELECT status, resolution, title, (release_date + release_time) AT TIME ZONE time_zone AS "releaseAt",
           CASE WHEN release_policy = 'global' THEN (release_date + release_time) AT TIME ZONE time_zone
                ELSE (release_date + release_time) AT TIME ZONE 'Etc/GMT+12' END AS "closesAt"
    FROM campaigns WHERE id = ${id}`);
}

/** Moves the release and every pending pre-save's due instant with it, in one transaction. */
export async function rescheduleCampaign(
  tx: DatabaseTransactionConnection,
  id: string,
  change: { releaseDate: string; releaseTime: string; timeZone: string },
): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE campaigns SET release_date = ${change.releaseDate}::date, release_time = ${change.releaseTime}::time,
           time_zone = ${change.timeZone}, updated_at = now()
    WHERE id = ${id}`);
  await moveDuePresaves(tx, id);
}

export async function cancelCampaign(tx: DatabaseTransactionConnection, id: string): Promise<void> {
  await tx.query(sql.unsafe`UPDATE campaigns SET status = 'cancelled', updated_at = now() WHERE id = ${id}`);
  await cancelOpenPresaves(tx, id);
}

export async function setCampaignStatus(db: Db, id: string, status: 'releasing' | 'completed'): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE campaigns SET status = ${status}, updated_at = now() WHERE id = ${id} AND status <> 'cancelled'`);
}

export async function recordResolution(
  db: Db,
  id: string,
  r: { resolution: Campaign['resolution']; spotifyAlbumId?: string; spotifyArtistIds?: string[]; artworkUrl?: string },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE campaigns SET resolution = ${r.resolution},
           spotify_album_id = coalesce(${r.spotifyAlbumId ?? null}, spotify_album_id),
           spotify_artist_ids = coalesce(${r.spotifyArtistIds ? sql.array(r.spotifyArtistIds, 'text') : null}, spotify_artist_ids),
           artwork_url = coalesce(${r.artworkUrl ?? null}, artwork_url), updated_at = now()
    WHERE id = ${id}`);
}

/** Returns true the first time only, so an alert is raised once per campaign. */
export async function markAlerted(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    UPDATE campaigns SET alerted_at = now() WHERE id = ${id} AND alerted_at IS NULL RETURNING 1`);
  return result.rowCount === 1;
}

/** Every campaign of the account (account deletion); returns how many went. Their pre-saves and events cascade. */
export async function deleteCampaignsOfAccount(tx: DatabaseTransactionConnection, accountId: string): Promise<number> {
  return (await tx.query(sql.unsafe`DELETE FROM campaigns WHERE account_id = ${accountId}`)).rowCount;
}

/** The artwork the artist uploaded for the campaign (of their own account); false when no such campaign. */
export async function setCampaignArtworkUpload(
  db: Db,
  input: { campaignId: string; accountId: string; artworkId: string },
): Promise<boolean> {
  const updated = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE campaigns SET artwork_upload_id = ${input.artworkId}, updated_at = now()
    WHERE id = ${input.campaignId} AND account_id = ${input.accountId} RETURNING id`);
  return updated !== null;
}
