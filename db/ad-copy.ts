// Ad copy requests (one adCopyWorkflow each) and their variants. A variant with approved_at set is the copy an ad
// campaign of that platform uses (the newest approval wins); see migrations 008 and 009.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type ReleaseMetadata } from '../lib/ad-copy/metadata';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const platform = z.enum(['meta', 'google']);
const status = z.enum(['generating', 'awaiting_approval', 'approved', 'rejected', 'expired', 'failed']);
export type AdCopyStatus = z.infer<typeof status>;

const violation = z.object({ code: z.string(), field: z.string().optional(), message: z.string() });

export const adCopyRequestRow = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  accountId: z.string().uuid(),
  platform,
  status,
  variantCount: z.number().int(),
  explicit: z.boolean(),
  genres: z.array(z.string()),
  generation: z.number().int(),
  feedback: z.string().nullable(),
  failureReason: z.string().nullable(),
  expiresAt: z.number().nullable(),
  createdAt: z.number(),
  decidedAt: z.number().nullable(),
});
export type AdCopyRequest = z.infer<typeof adCopyRequestRow>;

export const adCopyVariantRow = z.object({
  id: z.string().uuid(),
  requestId: z.string().uuid(),
  generation: z.number().int(),
  position: z.number().int(),
  headline: z.string(),
  primaryText: z.string(),
  description: z.string(),
  source: z.enum(['gemini', 'template']),
  violations: z.array(violation),
  approvedAt: z.number().nullable(),
  /** set when the artist changed the words (migration 033) */
  editedAt: z.number().nullable(),
});
export type AdCopyVariant = z.infer<typeof adCopyVariantRow>;

const requestColumns = sql.fragment`
  r.id, r.campaign_id AS "campaignId", c.account_id AS "accountId", r.platform, r.status, r.variant_count AS "variantCount",
  r.explicit, r.genres, r.generation, r.feedback, r.failure_reason AS "failureReason", r.expires_at AS "expiresAt",
  r.created_at AS "createdAt", r.decided_at AS "decidedAt"`;
const variantColumns = sql.fragment`
  v.id, v.request_id AS "requestId", v.generation, v.position, v.headline, v.primary_text AS "primaryText", v.description,
  v.source, v.violations, v.approved_at AS "approvedAt", v.edited_at AS "editedAt"`;

export class OpenAdCopyRequestError extends Error {}

/** Throws OpenAdCopyRequestError when the campaign already has an open request for the platform. */
export async function createAdCopyRequest(
  db: Db,
  input: { campaignId: string; platform: 'meta' | 'google'; variantCount: number; explicit: boolean; genres: string[] },
): Promise<string> {
  const id = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO ad_copy_requests (campaign_id, platform, variant_count, explicit, genres)
    VALUES (${input.campaignId}, ${input.platform}, ${input.variantCount}, ${input.explicit}, ${sql.array(input.genres, 'text')})
    ON CONFLICT (campaign_id, platform) WHERE status IN ('generating', 'awaiting_approval') DO NOTHING
    RETURNING id`);
  if (!id) throw new OpenAdCopyRequestError('open request exists');
  return id;
}

/** Every ad copy request of the account's campaigns (their workflows go with the account). */
export async function adCopyRequestIdsOfAccount(db: Db, accountId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT r.id FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id WHERE c.account_id = ${accountId}`);
}

export async function findAdCopyRequest(db: Db, id: string): Promise<AdCopyRequest | null> {
  return db.maybeOne(sql.type(adCopyRequestRow)`
    SELECT ${requestColumns} FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = ${id}`);
}

export async function listAdCopyRequests(
  db: Db,
  campaignId: string,
): Promise<{ request: AdCopyRequest; variants: AdCopyVariant[] }[]> {
  const requests = await db.any(sql.type(adCopyRequestRow)`
    SELECT ${requestColumns} FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id
    WHERE r.campaign_id = ${campaignId} ORDER BY r.created_at DESC, r.id`);
  if (requests.length === 0) return [];
  const variants = await db.any(sql.type(adCopyVariantRow)`
    SELECT ${variantColumns} FROM ad_copy_variants v
    WHERE v.request_id = ANY(${sql.array(
      requests.map((r) => r.id),
      'uuid',
    )}) ORDER BY v.position`);
  return requests.map((request) => ({ request, variants: variants.filter((v) => v.requestId === request.id) }));
}

export async function findAdCopyVariant(db: Db, id: string): Promise<AdCopyVariant | null> {
  return db.maybeOne(sql.type(adCopyVariantRow)`SELECT ${variantColumns} FROM ad_copy_variants v WHERE v.id = ${id}`);
}

/**
 * The artist's words for a variant (already linted clean): only while its request waits for a decision and the
 * variant is not approved, so approved copy never changes under an ad. Null when that no longer holds.
 */
export async function editAdCopyVariant(
  db: Db,
  input: { variantId: string; headline: string; primaryText: string; description: string },
): Promise<AdCopyVariant | null> {
  const edited = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE ad_copy_variants v SET headline = ${input.headline}, primary_text = ${input.primaryText},
      description = ${input.description}, edited_at = now()
    FROM ad_copy_requests r
    WHERE v.id = ${input.variantId} AND r.id = v.request_id AND r.status = 'awaiting_approval' AND v.approved_at IS NULL
    RETURNING v.id`);
  return edited ? findAdCopyVariant(db, edited) : null;
}

/** The facts a copywriter may use: nothing about fans. */
export async function releaseMetadataFor(db: Db, requestId: string): Promise<ReleaseMetadata | null> {
  return db.maybeOne(sql.type(
    z.object({
      artist: z.string(),
      title: z.string(),
      genres: z.array(z.string()),
      releaseDate: z.string(),
      explicit: z.boolean(),
      platform,
    }),
  )`
    SELECT a.name AS artist, c.title, r.genres, to_char(c.release_date, 'YYYY-MM-DD') AS "releaseDate", r.explicit, r.platform
    FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id JOIN artists a ON a.id = c.artist_id
    WHERE r.id = ${requestId}`);
}

/**
 * Stores one generation of variants at fixed positions; storing the same generation again (an activity retry)
 * overwrites the same rows. Returns the ids in order.
 */
export async function storeAdCopyVariants(
  pool: DatabasePool,
  input: {
    requestId: string;
    generation: number;
    firstPosition: number;
    source: 'gemini' | 'template';
    variants: { headline: string; primaryText: string; description: string; violations: z.infer<typeof violation>[] }[];
  },
): Promise<string[]> {
  return pool.transaction(async (tx) => {
    const ids: string[] = [];
    for (const [i, v] of input.variants.entries()) {
      ids.push(
        await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
        INSERT INTO ad_copy_variants (request_id, campaign_id, platform, position, generation, headline, primary_text, description, source, violations)
        SELECT r.id, r.campaign_id, r.platform, ${input.firstPosition + i}, ${input.generation}, ${v.headline}, ${v.primaryText}, ${v.description},
               ${input.source}, ${sql.jsonb(v.violations)}
        FROM ad_copy_requests r WHERE r.id = ${input.requestId}
        ON CONFLICT (request_id, position) DO UPDATE SET
          generation = EXCLUDED.generation, headline = EXCLUDED.headline, primary_text = EXCLUDED.primary_text,
          description = EXCLUDED.description, source = EXCLUDED.source, violations = EXCLUDED.violations
        RETURNING id`),
      );
    }
    await tx.query(
      sql.unsafe`UPDATE ad_copy_requests SET generation = ${input.generation} WHERE id = ${input.requestId}`,
    );
    return ids;
  });
}

export async function setAdCopyStatus(
  db: Db,
  input: {
    requestId: string;
    status: AdCopyStatus;
    failureReason?: string | null;
    expiresAt?: number | null;
    feedback?: string | null;
  },
): Promise<void> {
  const final = ['approved', 'rejected', 'expired', 'failed'].includes(input.status);
  await db.query(sql.unsafe`
    UPDATE ad_copy_requests SET
      status = ${input.status},
      failure_reason = ${input.failureReason ?? null},
      expires_at = ${input.expiresAt === undefined || input.expiresAt === null ? null : sql.timestamp(new Date(input.expiresAt))},
      feedback = coalesce(${input.feedback ?? null}, feedback),
      decided_at = CASE WHEN ${final} THEN coalesce(decided_at, now()) ELSE NULL END
    WHERE id = ${input.requestId}`);
}

/** Marks the variant approved and the request decided; approving again changes nothing. */
export async function approveAdCopyVariant(
  pool: DatabasePool,
  input: { requestId: string; variantId: string },
): Promise<boolean> {
  return pool.transaction(async (tx) => {
    const updated = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE ad_copy_variants SET approved_at = coalesce(approved_at, now())
      WHERE id = ${input.variantId} AND request_id = ${input.requestId} RETURNING id`);
    if (!updated) return false;
    await tx.query(sql.unsafe`
      UPDATE ad_copy_requests SET status = 'approved', decided_at = coalesce(decided_at, now()), expires_at = NULL, failure_reason = NULL
      WHERE id = ${input.requestId}`);
    return true;
  });
}

/** Copy written by hand and approved already, without a generation (scripts that record fixture histories). */
export async function insertApprovedAdCopy(
  pool: DatabasePool,
  input: {
    campaignId: string;
    platform: 'meta' | 'google';
    headline: string;
    primaryText: string;
    description: string;
  },
): Promise<string> {
  return pool.transaction(async (tx) => {
    const requestId = await tx.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO ad_copy_requests (campaign_id, platform, status) VALUES (${input.campaignId}, ${input.platform}, 'approved') RETURNING id`);
    await tx.query(sql.unsafe`
      INSERT INTO ad_copy_variants (request_id, campaign_id, platform, position, headline, primary_text, description, source, approved_at)
      VALUES (${requestId}, ${input.campaignId}, ${input.platform}, 0, ${input.headline}, ${input.primaryText}, ${input.description}, 'template', now())`);
    return requestId;
  });
}
