// Forever-save opt-ins (issue 16, docs/forever-save.md): a fan's "also save this artist's next releases", one row
// per fan and artist. The one writer of forever_saves; the pre-saves enrolment makes of them are ./presaves.ts's
// (enrolForeverSaveFans, dropForeverSavePresaves).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';
import { dropForeverSavePresaves } from './presaves';

type Db = DatabasePool | DatabaseTransactionConnection;

/** The fan ticked the box: on (again, if they had stopped it), with the words they were shown. */
export async function startForeverSave(
  db: Db,
  input: { fanId: string; artistId: string; campaignId: string; consentVersion: string; consentText: string },
): Promise<string> {
  return db.oneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    INSERT INTO forever_saves (fan_id, artist_id, source_campaign_id, consent_version, consent_text)
    VALUES (${input.fanId}, ${input.artistId}, ${input.campaignId}, ${input.consentVersion}, ${input.consentText})
    ON CONFLICT (fan_id, artist_id) DO UPDATE
      SET source_campaign_id = EXCLUDED.source_campaign_id, consent_version = EXCLUDED.consent_version,
          consent_text = EXCLUDED.consent_text, consented_at = now(), stopped_at = NULL
    RETURNING id`);
}

/**
 * The fan stopped it: no more enrolments, and the pre-saves enrolment made for them that are not delivered yet go
 * (a pre-save from their own visit stays). Returns the artist's name, or null when there is no such opt-in. A second
 * stop changes nothing and still answers.
 */
export async function stopForeverSave(tx: DatabaseTransactionConnection, id: string): Promise<string | null> {
  const stopped = await tx.maybeOne(sql.type(
    z.object({ fanId: z.string().uuid(), artistId: z.string().uuid(), artistName: z.string() }),
  )`
    UPDATE forever_saves fs SET stopped_at = coalesce(fs.stopped_at, now())
    FROM artists a WHERE fs.id = ${id} AND a.id = fs.artist_id
    RETURNING fs.fan_id AS "fanId", fs.artist_id AS "artistId", a.name AS "artistName"`);
  if (!stopped) return null;
  await dropForeverSavePresaves(tx, { fanId: stopped.fanId, artistId: stopped.artistId });
  return stopped.artistName;
}

/** The fan's opt-ins still on, with their artist's name (the deletion page lists them with a stop button each). */
export async function activeForeverSavesOfFans(db: Db, fanIds: readonly string[]) {
  if (fanIds.length === 0) return [];
  return db.any(sql.type(z.object({ id: z.string().uuid(), artistName: z.string() }))`
    SELECT fs.id, a.name AS "artistName" FROM forever_saves fs JOIN artists a ON a.id = fs.artist_id
    WHERE fs.fan_id = ANY(${sql.array(fanIds, 'uuid')}) AND fs.stopped_at IS NULL
    ORDER BY fs.consented_at`);
}

/** The opt-in still on for this fan and artist, if any (the thank-you page and the fan's messages link its stop). */
export async function activeForeverSaveOf(db: Db, input: { fanId: string; artistId: string }): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string().uuid() }))`
    SELECT id FROM forever_saves
    WHERE fan_id = ${input.fanId} AND artist_id = ${input.artistId} AND stopped_at IS NULL`);
}

/** Erasure: every opt-in of the fan. */
export async function deleteForeverSavesOfFan(db: Db, fanId: string): Promise<number> {
  return (await db.query(sql.unsafe`DELETE FROM forever_saves WHERE fan_id = ${fanId}`)).rowCount;
}

/** The artist of an opt-in (the stop page names them), or null when there is none (erased with its fan). */
export async function findForeverSaveArtist(db: Db, id: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ name: z.string() }))`
    SELECT a.name FROM forever_saves fs JOIN artists a ON a.id = fs.artist_id WHERE fs.id = ${id}`);
}
