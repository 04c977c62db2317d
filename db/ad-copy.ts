// Ad copy requests (one adCopyWorkflow each) and their variants. A variant with approved_at set is the copy an ad
// campaign of that platform uses (the newest approval wins); see migrations 008 and 009. A request of platform
// 'instagram' drafts one Instagram post's caption (migration 034): its variants keep the caption in primary_text,
// and approving one makes it the post's caption.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type CaptionMetadata } from '../lib/ad-copy/caption-template-writer';
import { type ReleaseMetadata } from '../lib/ad-copy/metadata';
import { setCaptionOfUnpreparedPost } from './instagram-posts';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const adPlatform = z.enum(['meta', 'google']);
const platform = z.enum(['meta', 'google', 'instagram']);
const status = z.enum(['generating', 'awaiting_approval', 'approved', 'rejected', 'expired', 'failed']);
export type AdCopyStatus = z.infer<typeof status>;

const violation = z.object({ code: z.string(), field: z.string().optional(), message: z.string() });

export const adCopyRequestRow = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  accountId: z.string().uuid(),
  platform,
  instagramPostId: z.string().uuid().nullable(),
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
});
export type AdCopyVariant = z.infer<typeof adCopyVariantRow>;

const requestColumns = sql.fragment`
  r.id, r.campaign_id AS "campaignId", c.account_id AS "accountId", r.platform, r.instagram_post_id AS "instagramPostId", r.status, r.variant_count AS "variantCount",
  r.explicit, r.genres, r.generation, r.feedback, r.failure_reason AS "failureReason", r.expires_at AS "expiresAt",
  r.created_at AS "createdAt", r.decided_at AS "decidedAt"`;
const variantColumns = sql.fragment`
  v.id, v.request_id AS "requestId", v.generation, v.position, v.headline, v.primary_text AS "primaryText", v.description,
  v.source, v.violations, v.approved_at AS "approvedAt"`;

export class OpenAdCopyRequestError extends Error {}

/**
 * Throws OpenAdCopyRequestError when the campaign already has an open request for the platform (for 'instagram':
 * for the post).
 */
export async function createAdCopyRequest(
  db: Db,
  input: {
    campaignId: string;
    platform: 'meta' | 'google' | 'instagram';
    /** the post whose caption is drafted (platform 'instagram' only) */
    instagramPostId?: string;
    variantCount: number;
    explicit: boolean;
    genres: string[];
  },
): Promise<string> {
  // The only unique constraint a new row can meet is ad_copy_requests_open.
  const id = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO ad_copy_requests (campaign_id, platform, instagram_post_id, variant_count, explicit, genres)
    VALUES (${input.campaignId}, ${input.platform}, ${input.instagramPostId ?? null}, ${input.variantCount},
            ${input.explicit}, ${sql.array(input.genres, 'text')})
    ON CONFLICT DO NOTHING
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

/** The campaign's ad copy requests (Meta, Google) with their variants, newest first. */
export async function listAdCopyRequests(
  db: Db,
  campaignId: string,
): Promise<{ request: AdCopyRequest; variants: AdCopyVariant[] }[]> {
  return withVariants(
    db,
    await db.any(sql.type(adCopyRequestRow)`
      SELECT ${requestColumns} FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id
      WHERE r.campaign_id = ${campaignId} AND r.instagram_post_id IS NULL ORDER BY r.created_at DESC, r.id`),
  );
}

/** An Instagram post's caption requests with their variants, newest first. */
export async function listCaptionRequests(
  db: Db,
  instagramPostId: string,
): Promise<{ request: AdCopyRequest; variants: AdCopyVariant[] }[]> {
  return withVariants(
    db,
    await db.any(sql.type(adCopyRequestRow)`
      SELECT ${requestColumns} FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id
      WHERE r.instagram_post_id = ${instagramPostId} ORDER BY r.created_at DESC, r.id`),
  );
}

async function withVariants(
  db: Db,
  requests: readonly AdCopyRequest[],
): Promise<{ request: AdCopyRequest; variants: AdCopyVariant[] }[]> {
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

/** The facts a copywriter may use: nothing about fans. Null for a caption request (captionFactsFor). */
export async function releaseMetadataFor(db: Db, requestId: string): Promise<ReleaseMetadata | null> {
  return db.maybeOne(sql.type(
    z.object({
      artist: z.string(),
      title: z.string(),
      genres: z.array(z.string()),
      releaseDate: z.string(),
      explicit: z.boolean(),
      platform: adPlatform,
    }),
  )`
    SELECT a.name AS artist, c.title, r.genres, to_char(c.release_date, 'YYYY-MM-DD') AS "releaseDate", r.explicit, r.platform
    FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id JOIN artists a ON a.id = c.artist_id
    WHERE r.id = ${requestId} AND r.platform <> 'instagram'`);
}

/** A caption request's facts: the release's (nothing about fans) and the campaign's slug (its smart link). */
export async function captionFactsFor(db: Db, requestId: string): Promise<(CaptionMetadata & { slug: string }) | null> {
  return db.maybeOne(sql.type(
    z.object({
      artist: z.string(),
      title: z.string(),
      genres: z.array(z.string()),
      releaseDate: z.string(),
      explicit: z.boolean(),
      slug: z.string(),
    }),
  )`
    SELECT a.name AS artist, c.title, r.genres, to_char(c.release_date, 'YYYY-MM-DD') AS "releaseDate", r.explicit, c.slug
    FROM ad_copy_requests r JOIN campaigns c ON c.id = r.campaign_id JOIN artists a ON a.id = c.artist_id
    WHERE r.id = ${requestId} AND r.platform = 'instagram'`);
}

/**
 * The artist's edit of a caption variant waiting for a decision (current generation only), with its new lint
 * result. False when the variant is not one that can be edited now.
 */
export async function editCaptionVariant(
  db: Db,
  input: { requestId: string; variantId: string; caption: string; violations: z.infer<typeof violation>[] },
): Promise<boolean> {
  const edited = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE ad_copy_variants v SET primary_text = ${input.caption}, violations = ${sql.jsonb(input.violations)}
    FROM ad_copy_requests r
    WHERE v.id = ${input.variantId} AND v.request_id = ${input.requestId} AND r.id = v.request_id
      AND r.platform = 'instagram' AND r.status = 'awaiting_approval' AND v.generation = r.generation
    RETURNING v.id`);
  return edited !== null;
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

/**
 * Marks the variant approved and the request decided; approving again changes nothing. A caption variant becomes
 * its post's caption in the same transaction (while the post has no container yet).
 */
export async function approveAdCopyVariant(
  pool: DatabasePool,
  input: { requestId: string; variantId: string },
): Promise<boolean> {
  return pool.transaction(async (tx) => {
    const updated = await tx.maybeOne(sql.type(
      z.object({ primaryText: z.string(), instagramPostId: z.string().nullable() }),
    )`
      UPDATE ad_copy_variants v SET approved_at = coalesce(v.approved_at, now())
      FROM ad_copy_requests r
      WHERE v.id = ${input.variantId} AND v.request_id = ${input.requestId} AND r.id = v.request_id
      RETURNING v.primary_text AS "primaryText", r.instagram_post_id AS "instagramPostId"`);
    if (!updated) return false;
    if (updated.instagramPostId) await setCaptionOfUnpreparedPost(tx, updated.instagramPostId, updated.primaryText);
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
