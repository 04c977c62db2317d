// Ad campaigns (one per platform launch), the provider objects each created, and their synced daily insights.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

export type AdPlatform = 'meta' | 'google';
export type AdState = 'creating' | 'scheduled' | 'active' | 'ended' | 'failed' | 'cancelled';
export type AdStep = 'campaign' | 'adset' | 'creative' | 'ad' | 'budget' | 'targeting' | 'ad_group';

export const adCampaignRow = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  accountId: z.string().uuid(),
  connectionId: z.string().uuid().nullable(),
  platform: z.enum(['meta', 'google']),
  adAccountId: z.string(),
  loginCustomerId: z.string().nullable(),
  pageId: z.string().nullable(),
  youtubeVideoId: z.string().nullable(),
  objective: z.string(),
  budgetMinor: z.coerce.number(),
  currency: z.string(),
  countries: z.array(z.string()),
  startAt: z.number().nullable(),
  endAt: z.number(),
  copyVariantId: z.string().uuid(),
  landingUrl: z.string(),
  state: z.enum(['creating', 'scheduled', 'active', 'ended', 'failed', 'cancelled']),
  lastError: z.object({ code: z.string(), message: z.string(), step: z.string().optional() }).nullable(),
  launchedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  createdAt: z.number(),
});
export type AdCampaign = z.infer<typeof adCampaignRow>;

const columns = sql.fragment`
  id, campaign_id AS "campaignId", account_id AS "accountId", connection_id AS "connectionId", platform,
  ad_account_id AS "adAccountId", login_customer_id AS "loginCustomerId", page_id AS "pageId",
  youtube_video_id AS "youtubeVideoId", objective, budget_minor AS "budgetMinor", currency, countries,
  start_at AS "startAt", end_at AS "endAt", copy_variant_id AS "copyVariantId", landing_url AS "landingUrl", state,
  last_error AS "lastError", launched_at AS "launchedAt", ended_at AS "endedAt", created_at AS "createdAt"`;

export interface NewAdCampaign {
  /** chosen ahead by a caller that may make the same campaign twice (a release plan's item): inserted once */
  id?: string;
  campaignId: string;
  accountId: string;
  connectionId: string;
  platform: AdPlatform;
  adAccountId: string;
  loginCustomerId?: string;
  pageId?: string;
  youtubeVideoId?: string;
  objective: string;
  budgetMinor: number;
  currency: string;
  countries: string[];
  startAt?: number;
  endAt: number;
  copyVariantId: string;
  landingUrl: string;
}

export async function insertAdCampaign(db: Db, input: NewAdCampaign): Promise<AdCampaign> {
  const ts = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const inserted = await db.maybeOne(sql.type(adCampaignRow)`
    INSERT INTO ad_campaigns (id, campaign_id, account_id, connection_id, platform, ad_account_id, login_customer_id,
                              page_id, youtube_video_id, objective, budget_minor, currency, countries, start_at, end_at,
                              copy_variant_id, landing_url)
    VALUES (coalesce(${input.id ?? null}::uuid, gen_random_uuid()), ${input.campaignId}, ${input.accountId},
            ${input.connectionId}, ${input.platform}, ${input.adAccountId}, ${input.loginCustomerId ?? null},
            ${input.pageId ?? null}, ${input.youtubeVideoId ?? null}, ${input.objective}, ${input.budgetMinor},
            ${input.currency}, ${sql.array(input.countries, 'text')}, ${ts(input.startAt)}::timestamptz,
            ${ts(input.endAt)}::timestamptz, ${input.copyVariantId}, ${input.landingUrl})
    ON CONFLICT (id) DO NOTHING
    RETURNING ${columns}`);
  return inserted ?? db.one(sql.type(adCampaignRow)`SELECT ${columns} FROM ad_campaigns WHERE id = ${input.id!}`);
}

export async function findAdCampaign(db: Db, id: string): Promise<AdCampaign | null> {
  return db.maybeOne(sql.type(adCampaignRow)`SELECT ${columns} FROM ad_campaigns WHERE id = ${id}`);
}

export async function listAdCampaigns(db: Db, campaignId: string): Promise<readonly AdCampaign[]> {
  return db.any(
    sql.type(
      adCampaignRow,
    )`SELECT ${columns} FROM ad_campaigns WHERE campaign_id = ${campaignId} ORDER BY created_at, id`,
  );
}

export async function deleteAdCampaign(db: Db, id: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM ad_campaigns WHERE id = ${id}`);
}

/** Moves the state; launched_at / ended_at are stamped once. A terminal state is never left. */
export async function setAdCampaignState(
  db: Db,
  id: string,
  state: AdState,
  error?: { code: string; message: string; step?: string },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE ad_campaigns SET state = ${state},
           last_error = CASE WHEN ${state} IN ('failed', 'cancelled') THEN coalesce(last_error, ${error ? sql.jsonb(error) : null}::jsonb)
                             WHEN ${state} = 'active' THEN NULL ELSE last_error END,
           launched_at = CASE WHEN ${state} = 'active' THEN coalesce(launched_at, now()) ELSE launched_at END,
           ended_at = CASE WHEN ${state} IN ('ended', 'failed', 'cancelled') THEN coalesce(ended_at, now()) ELSE ended_at END,
           updated_at = now()
    WHERE id = ${id} AND state NOT IN ('ended', 'failed', 'cancelled')`);
}

/** What the provider said, kept so the artist sees it (GET /v1/campaigns/:id/ads). */
export async function recordAdError(
  db: Db,
  id: string,
  error: { code: string; message: string; step?: string },
): Promise<void> {
  await db.query(
    sql.unsafe`UPDATE ad_campaigns SET last_error = ${sql.jsonb(error)}, updated_at = now() WHERE id = ${id}`,
  );
}

// --- provider objects ------------------------------------------------------------------------------------------

export const adObjectRow = z.object({
  step: z.enum(['campaign', 'adset', 'creative', 'ad', 'budget', 'targeting', 'ad_group']),
  providerId: z.string(),
  status: z.string(),
  removedAt: z.number().nullable(),
});
export type AdObject = z.infer<typeof adObjectRow>;

export async function findAdObject(db: Db, adCampaignId: string, step: AdStep): Promise<AdObject | null> {
  return db.maybeOne(sql.type(adObjectRow)`
    SELECT step, provider_id AS "providerId", status, removed_at AS "removedAt" FROM ad_objects
    WHERE ad_campaign_id = ${adCampaignId} AND step = ${step}`);
}

export async function listAdObjects(db: Db, adCampaignId: string): Promise<readonly AdObject[]> {
  return db.any(sql.type(adObjectRow)`
    SELECT step, provider_id AS "providerId", status, removed_at AS "removedAt" FROM ad_objects
    WHERE ad_campaign_id = ${adCampaignId} ORDER BY created_at`);
}

export async function recordAdObject(db: Db, adCampaignId: string, step: AdStep, providerId: string): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO ad_objects (ad_campaign_id, step, provider_id) VALUES (${adCampaignId}, ${step}, ${providerId})
    ON CONFLICT (ad_campaign_id, step) DO NOTHING`);
}

export async function setAdObjectStatus(db: Db, adCampaignId: string, step: AdStep, status: string): Promise<void> {
  await db.query(
    sql.unsafe`UPDATE ad_objects SET status = ${status} WHERE ad_campaign_id = ${adCampaignId} AND step = ${step}`,
  );
}

export async function markAdObjectRemoved(db: Db, adCampaignId: string, step: AdStep): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE ad_objects SET status = 'REMOVED', removed_at = coalesce(removed_at, now()) WHERE ad_campaign_id = ${adCampaignId} AND step = ${step}`);
}

// --- insights --------------------------------------------------------------------------------------------------

export interface DailyInsight {
  date: string; // YYYY-MM-DD
  spendMinor: number;
  impressions: number;
  clicks: number;
  conversions: number;
}

export async function upsertInsights(db: Db, adCampaignId: string, rows: DailyInsight[]): Promise<void> {
  for (const r of rows) {
    await db.query(sql.unsafe`
      INSERT INTO ad_insights (ad_campaign_id, date, spend_minor, impressions, clicks, conversions)
      VALUES (${adCampaignId}, ${r.date}::date, ${r.spendMinor}, ${r.impressions}, ${r.clicks}, ${r.conversions})
      ON CONFLICT (ad_campaign_id, date) DO UPDATE SET spend_minor = EXCLUDED.spend_minor, impressions = EXCLUDED.impressions,
        clicks = EXCLUDED.clicks, conversions = EXCLUDED.conversions, synced_at = now()`);
  }
}

export const insightTotalsRow = z.object({
  spendMinor: z.coerce.number(),
  impressions: z.coerce.number(),
  clicks: z.coerce.number(),
  conversions: z.coerce.number(),
  days: z.coerce.number(),
  syncedAt: z.number().nullable(),
});

export async function insightTotals(db: Db, adCampaignId: string): Promise<z.infer<typeof insightTotalsRow>> {
  return db.one(sql.type(insightTotalsRow)`
    SELECT coalesce(sum(spend_minor), 0) AS "spendMinor", coalesce(sum(impressions), 0) AS impressions,
           coalesce(sum(clicks), 0) AS clicks, coalesce(sum(conversions), 0) AS conversions, count(*) AS days,
           max(synced_at) AS "syncedAt"
    FROM ad_insights WHERE ad_campaign_id = ${adCampaignId}`);
}

/** Launched campaigns still delivering, or ended within the last few days (late attribution still moves numbers). */
export async function adCampaignsToSync(db: Db, settleDays = 3): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM ad_campaigns
    WHERE launched_at IS NOT NULL AND (ended_at IS NULL OR ended_at > now() - ${settleDays} * interval '1 day')
    ORDER BY id`);
}

// --- copy -------------------------------------------------------------------------------------------------------

export const approvedCopyRow = z.object({
  id: z.string().uuid(),
  headline: z.string(),
  primaryText: z.string(),
  description: z.string(),
});
export type ApprovedCopy = z.infer<typeof approvedCopyRow>;

/** The given variant if it is approved for this campaign and platform, else the latest approved one. */
export async function approvedCopyVariant(
  db: Db,
  campaignId: string,
  platform: AdPlatform,
  variantId?: string,
): Promise<ApprovedCopy | null> {
  return db.maybeOne(sql.type(approvedCopyRow)`
    SELECT id, headline, primary_text AS "primaryText", description FROM ad_copy_variants
    WHERE campaign_id = ${campaignId} AND platform = ${platform} AND approved_at IS NOT NULL
      ${variantId ? sql.fragment`AND id = ${variantId}` : sql.fragment``}
    ORDER BY approved_at DESC, position LIMIT 1`);
}

export async function copyVariantById(db: Db, id: string): Promise<ApprovedCopy | null> {
  return db.maybeOne(sql.type(approvedCopyRow)`
    SELECT id, headline, primary_text AS "primaryText", description FROM ad_copy_variants WHERE id = ${id}`);
}

// --- account deletion ------------------------------------------------------------------------------------------

export const accountAdCampaignRow = z.object({
  id: z.string().uuid(),
  platform: z.enum(['meta', 'google']),
  state: adCampaignRow.shape.state,
  launchedAt: z.number().nullable(),
});

/** Every ad campaign of the account (whatever its state: the provider may still hold objects of a finished one). */
export async function adCampaignsOfAccount(
  db: Db,
  accountId: string,
): Promise<readonly z.infer<typeof accountAdCampaignRow>[]> {
  return db.any(sql.type(accountAdCampaignRow)`
    SELECT id, platform, state, launched_at AS "launchedAt" FROM ad_campaigns WHERE account_id = ${accountId} ORDER BY created_at`);
}

/** Ad campaigns still being made, waiting to launch or running with this connection's token (disconnecting it would
 * leave them unstoppable by dropday). */
export async function openAdCampaignIdsOfConnection(db: Db, connectionId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM ad_campaigns WHERE connection_id = ${connectionId} AND state IN ('creating', 'scheduled', 'active') ORDER BY created_at`);
}
