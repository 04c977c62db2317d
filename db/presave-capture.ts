// A pre-save from a fan's Spotify consent in one statement — one round trip and no BEGIN/COMMIT on release day's
// busiest path — when the fan is new to us (their id is chosen before the statement, so their tokens are sealed to
// it beforehand): the fan and their tokens (db/fans.ts), the pre-save due at their release instant
// (db/presaves.ts), its AUTH event (db/events.ts) and, when the pre-save changes its campaign's plan, the word queued
// for the release engine (db/release-handoffs.ts). One statement is atomic: all of it is stored, or nothing.
// For a fan we know already it stores nothing but their zone and answers null: api/oauth/presave-record.ts then
// takes its transaction, which handles every case (a pre-save that exists, a forever-save, Apple Music).
import { randomUUID } from 'node:crypto';
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { EVENT_COLUMNS, type EventDimensions, eventRows } from './events';
import { consentedFanSteps, type ConsentingFan } from './fans';
import { type DatabasePool, sql } from './pool';
import { dueAtExpression, PRESAVE_STATES, WAVE_PLANNED } from './presaves';

const recorded = z.object({
  fanId: z.string().uuid(),
  presaveId: z.string().uuid().nullable(),
  dueAt: z.number().nullable(),
  state: z.enum(PRESAVE_STATES).nullable(),
  wavePlanned: z.boolean().nullable(),
  handoffId: z.string().uuid().nullable(),
});

export interface RecordedPresave {
  fanId: string;
  presave: { id: string; dueAt: number; state: (typeof PRESAVE_STATES)[number]; wavePlanned: boolean };
  /** the word to the release engine queued with it, when it changes the plan (null: the wave is planned) */
  handoffId: string | null;
}

/**
 * `tellIfDueBefore`: a pending pre-save due before this instant (ms) is always told to the engine (one committed
 * while its wave drains is not left behind); a later one only when its wave is not planned yet.
 */
export async function recordNewFanPresave(
  db: DatabasePool | DatabaseTransactionConnection,
  keyRing: KeyRing,
  input: {
    fan: ConsentingFan;
    campaignId: string;
    platform: string;
    lang: string | null;
    /** the AUTH event's dimensions (where the fan came from) */
    auth: EventDimensions;
    tellIfDueBefore: number;
  },
): Promise<RecordedPresave | null> {
  const candidate = randomUUID();
  const campaignExists = sql.fragment`EXISTS (SELECT 1 FROM campaigns WHERE id = ${input.campaignId})`;
  const auth = eventRows([
    {
      ...input.auth,
      campaignId: input.campaignId,
      fanId: candidate,
      type: 'AUTH',
      dedupeKey: `AUTH:${input.campaignId}:${candidate}`,
      platform: input.platform,
    },
  ]);
  const row = await db.maybeOne(sql.prepared('record_new_fan_presave', recorded)`
    WITH ${consentedFanSteps(keyRing, candidate, input.fan, campaignExists)},
    presave AS (
      INSERT INTO presaves (campaign_id, fan_id, platform, due_at, lang)
      SELECT c.id, f.id, ${input.platform}, ${dueAtExpression(sql.fragment`${input.fan.timeZone}::text`)}, ${input.lang}
      FROM campaigns c, new_fan f WHERE c.id = ${input.campaignId}
      RETURNING id, campaign_id, due_at, state, ${WAVE_PLANNED}
    ), auth AS (
      INSERT INTO events ${EVENT_COLUMNS}
      ${auth} WHERE EXISTS (SELECT 1 FROM new_fan)
      ON CONFLICT (dedupe_key) DO NOTHING
    ), handoff AS (
      INSERT INTO release_handoffs (campaign_id, due_at)
      SELECT campaign_id, due_at FROM presave
      WHERE state = 'pending' AND (due_at <= to_timestamp(${input.tellIfDueBefore / 1000}) OR NOT "wavePlanned")
      RETURNING id
    )
    SELECT fan.id AS "fanId", p.id AS "presaveId", p.due_at AS "dueAt", p.state, p."wavePlanned",
           (SELECT id FROM handoff) AS "handoffId"
    FROM fan LEFT JOIN presave p ON true`);
  // No fan: the campaign is gone (the transaction's path says so its own way); a fan of old: their path.
  if (!row || row.fanId !== candidate) return null;
  if (!row.presaveId || row.dueAt === null || !row.state || row.wavePlanned === null)
    throw new Error('pre-save of a new fan not stored');
  return {
    fanId: row.fanId,
    presave: { id: row.presaveId, dueAt: row.dueAt, state: row.state, wavePlanned: row.wavePlanned },
    handoffId: row.handoffId,
  };
}
