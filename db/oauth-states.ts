// OAuth states: one row per sign-in or connect flow in progress, written and consumed only through
// api/oauth/state.ts (the one state + PKCE module). The PKCE verifier is encrypted; a row is good once.
// The daily retention sweep deletes the expired ones (purgeExpiredOAuthStates, at the end).
import { z } from 'zod';
import { type KeyRing } from '../lib/crypto/keyring';
import { type DatabasePool, sql } from './pool';

/** What a state was issued for; it is signed into the state too, so one kind cannot be replayed as another. */
export const OAUTH_PURPOSES = [
  'presave',
  'deletion',
  'connect:google',
  'connect:meta',
  'connect:spotify',
  'connect:instagram',
  'sign-in:google',
] as const;
export type OAuthPurpose = (typeof OAUTH_PURPOSES)[number];

export async function saveOAuthState(
  pool: DatabasePool,
  keyRing: KeyRing,
  input: {
    nonce: string;
    purpose?: OAuthPurpose;
    campaignId: string | null;
    accountId?: string;
    codeVerifier: string;
    timeZone: string | null;
    /** the fan's language, for what follows the callback (migration 030) */
    lang?: string | null;
    /** a pre-save's "also save this artist's next releases" tick */
    foreverSave?: boolean;
    /** the invited member a Google sign-in accepts the invitation of (migration 036) */
    memberId?: string | null;
    expiresAt: number;
  },
): Promise<void> {
  await pool.query(sql.unsafe`
    INSERT INTO oauth_states (nonce, purpose, campaign_id, account_id, verifier_enc, time_zone, lang, forever_save, member_id,
                              expires_at)
    VALUES (${input.nonce}, ${input.purpose ?? 'presave'}, ${input.campaignId}, ${input.accountId ?? null},
            ${keyRing.encrypt(input.codeVerifier, `oauth_states:${input.nonce}`)},
            ${input.timeZone}, ${input.lang ?? null}, ${input.foreverSave ?? false}, ${input.memberId ?? null},
            to_timestamp(${input.expiresAt / 1000}))`);
  // Used and expired states are worthless. About one new state in fifty sweeps up to 1,000 of them (the daily
  // retention sweep gets the rest), which keeps the table small without a DELETE on every sign-in.
  if (Math.random() < 0.02) {
    await pool.query(sql.unsafe`
      DELETE FROM oauth_states WHERE nonce IN (
        SELECT nonce FROM oauth_states WHERE expires_at < now() - interval '1 hour' LIMIT 1000)`);
  }
}

/** Single use: the first caller gets the row, every later one (a replay) gets null. */
export async function consumeOAuthState(pool: DatabasePool, keyRing: KeyRing, nonce: string) {
  const row = await pool.maybeOne(sql.type(
    z.object({
      purpose: z.enum(OAUTH_PURPOSES),
      campaignId: z.string().nullable(),
      accountId: z.string().nullable(),
      verifierEnc: z.string(),
      timeZone: z.string().nullable(),
      lang: z.string().nullable(),
      foreverSave: z.boolean(),
      memberId: z.string().nullable(),
    }),
  )`
    UPDATE oauth_states SET used_at = now()
    WHERE nonce = ${nonce} AND used_at IS NULL AND expires_at > now()
    RETURNING purpose, campaign_id AS "campaignId", account_id AS "accountId", verifier_enc AS "verifierEnc",
              time_zone AS "timeZone", lang, forever_save AS "foreverSave", member_id AS "memberId"`);
  if (!row) return null;
  return {
    purpose: row.purpose,
    campaignId: row.campaignId,
    accountId: row.accountId,
    timeZone: row.timeZone,
    lang: row.lang,
    foreverSave: row.foreverSave,
    memberId: row.memberId,
    codeVerifier: keyRing.decrypt(row.verifierEnc, `oauth_states:${nonce}`),
  };
}

/** Sign-in states are worthless once expired; the sign-in path sweeps too, this catches quiet periods. */
export async function purgeExpiredOAuthStates(pool: DatabasePool): Promise<number> {
  const result = await pool.query(sql.unsafe`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 hour'`);
  return result.rowCount;
}
