// Release plans (migration 035, docs/release-plan.md): one per campaign, its items and findings as JSON (shapes in
// lib/release-plan/items.ts, parsed on every read), and what accepting made of each item (release_plan_resources).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type Finding, findingSchema, type PlanItem, planItems, presaveOpensDay } from '../lib/release-plan/items';
import { type PlanFacts } from '../lib/release-plan/facts';
import { type DatabasePool, sql } from './pool';

type Db = DatabasePool | DatabaseTransactionConnection;

const status = z.enum(['drafting', 'draft', 'accepted', 'failed']);
export type PlanStatus = z.infer<typeof status>;

export const releasePlanRow = z.object({
  id: z.string().uuid(),
  campaignId: z.string().uuid(),
  accountId: z.string().uuid(),
  status,
  budgetMinor: z.coerce.number().int(),
  currency: z.string(),
  goals: z.string().nullable(),
  explicit: z.boolean(),
  source: z.enum(['gemini', 'template']).nullable(),
  rounds: z.number().int(),
  items: planItems,
  findings: z.array(findingSchema),
  failureReason: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  acceptedAt: z.number().nullable(),
});
export type ReleasePlan = z.infer<typeof releasePlanRow>;

const planColumns = sql.fragment`
  p.id, p.campaign_id AS "campaignId", c.account_id AS "accountId", p.status, p.budget_minor AS "budgetMinor",
  p.currency, p.goals, p.explicit, p.source, p.rounds, p.items, p.findings, p.failure_reason AS "failureReason",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.accepted_at AS "acceptedAt"`;

export const planResourceRow = z.object({
  itemId: z.string(),
  kind: z.enum(['ad_campaign', 'instagram_post', 'reminders', 'task']),
  resourceId: z.string().uuid().nullable(),
  error: z.string().nullable(),
});
export type PlanResource = z.infer<typeof planResourceRow>;

export class OpenPlanError extends Error {}

/**
 * A new plan being drafted for the campaign. A draft or failed plan is replaced; while one is drafting or accepted,
 * throws OpenPlanError and nothing changes.
 */
export async function createReleasePlan(
  pool: DatabasePool,
  input: { campaignId: string; budgetMinor: number; currency: string; goals: string | null; explicit: boolean },
): Promise<string> {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`
      DELETE FROM release_plans WHERE campaign_id = ${input.campaignId} AND status IN ('draft', 'failed')`);
    const id = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO release_plans (campaign_id, budget_minor, currency, goals, explicit)
      VALUES (${input.campaignId}, ${input.budgetMinor}, ${input.currency}, ${input.goals}, ${input.explicit})
      ON CONFLICT (campaign_id) DO NOTHING
      RETURNING id`);
    if (!id) throw new OpenPlanError('a plan is being drafted or was accepted');
    return id;
  });
}

export async function findReleasePlan(db: Db, id: string): Promise<ReleasePlan | null> {
  return db.maybeOne(sql.type(releasePlanRow)`
    SELECT ${planColumns} FROM release_plans p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = ${id}`);
}

export async function releasePlanOfCampaign(db: Db, campaignId: string): Promise<ReleasePlan | null> {
  return db.maybeOne(sql.type(releasePlanRow)`
    SELECT ${planColumns} FROM release_plans p JOIN campaigns c ON c.id = p.campaign_id WHERE p.campaign_id = ${campaignId}`);
}

/** The facts a plan writer may use (nothing about fans); null when the plan is gone. */
export async function planFactsFor(db: Db, planId: string, publicUrl: string): Promise<PlanFacts | null> {
  const row = await db.maybeOne(sql.type(
    z.object({
      artist: z.string(),
      title: z.string(),
      releaseDate: z.string(),
      explicit: z.boolean(),
      budgetMinor: z.coerce.number().int(),
      currency: z.string(),
      goals: z.string().nullable(),
      slug: z.string(),
      releaseAt: z.number(),
      createdAt: z.number(),
      adPlatforms: z.array(z.enum(['meta', 'google'])),
    }),
  )`
    SELECT a.name AS artist, c.title, to_char(c.release_date, 'YYYY-MM-DD') AS "releaseDate", p.explicit,
      p.budget_minor AS "budgetMinor", p.currency, p.goals, c.slug,
      (c.release_date + c.release_time) AT TIME ZONE c.time_zone AS "releaseAt", c.created_at AS "createdAt",
      array(SELECT DISTINCT x.provider FROM connections x
            WHERE x.account_id = c.account_id AND x.provider IN ('meta', 'google') AND x.status = 'active'
            ORDER BY x.provider DESC) AS "adPlatforms"
    FROM release_plans p JOIN campaigns c ON c.id = p.campaign_id JOIN artists a ON a.id = c.artist_id
    WHERE p.id = ${planId}`);
  if (!row) return null;
  const { slug, releaseAt, createdAt, ...facts } = row;
  return { ...facts, smartLink: `${publicUrl}/l/${slug}`, presaveOpensDay: presaveOpensDay(createdAt, releaseAt) };
}

/** The drafted plan (an activity retry stores the same again); only while drafting. */
export async function storePlanDraft(
  db: Db,
  input: { planId: string; source: 'gemini' | 'template'; rounds: number; items: PlanItem[]; findings: Finding[] },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE release_plans SET status = 'draft', source = ${input.source}, rounds = ${input.rounds},
      items = ${sql.jsonb(input.items as never)}, findings = ${sql.jsonb(input.findings as never)}, updated_at = now()
    WHERE id = ${input.planId} AND status = 'drafting'`);
}

export async function failPlanDraft(db: Db, planId: string, reason: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE release_plans SET status = 'failed', failure_reason = ${reason}, updated_at = now()
    WHERE id = ${planId} AND status = 'drafting'`);
}

/** The artist's edit (already linted): only while the plan is a draft. False when it no longer is. */
export async function editPlanItems(
  db: Db,
  input: { planId: string; items: PlanItem[]; findings: Finding[]; budgetMinor: number },
): Promise<boolean> {
  const edited = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE release_plans SET items = ${sql.jsonb(input.items as never)}, findings = ${sql.jsonb(input.findings as never)},
      budget_minor = ${input.budgetMinor}, updated_at = now()
    WHERE id = ${input.planId} AND status = 'draft'
    RETURNING id`);
  return edited !== null;
}

/** Draft → accepted; true also when it was accepted already (accepting is idempotent). */
export async function markPlanAccepted(db: Db, planId: string): Promise<boolean> {
  const row = await db.maybeOneFirst(sql.type(z.object({ status: z.string() }))`
    UPDATE release_plans SET status = 'accepted', accepted_at = coalesce(accepted_at, now()), updated_at = now()
    WHERE id = ${planId} AND status IN ('draft', 'accepted')
    RETURNING status`);
  return row !== null;
}

/**
 * Claims an item for accepting: its intended resource id (chosen by the first claim) and whether it is settled
 * already. An unsettled item is made (again) under that id, so an accept cut short is finished by the next one.
 */
export async function claimPlanItem(
  db: Db,
  input: { planId: string; itemId: string; kind: PlanResource['kind'] },
): Promise<{ intendedId: string; settled: boolean }> {
  return db.one(sql.type(z.object({ intendedId: z.string(), settled: z.boolean() }))`
    INSERT INTO release_plan_resources (plan_id, item_id, kind) VALUES (${input.planId}, ${input.itemId}, ${input.kind})
    ON CONFLICT (plan_id, item_id) DO UPDATE SET plan_id = EXCLUDED.plan_id
    RETURNING intended_id AS "intendedId", settled_at IS NOT NULL AS settled`);
}

/** The item's outcome: its resource, or why it stays the artist's to do. Settles the item. */
export async function recordPlanResource(
  db: Db,
  input: { planId: string; itemId: string; resourceId: string | null; error: string | null },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE release_plan_resources SET resource_id = ${input.resourceId}, error = ${input.error}, settled_at = now()
    WHERE plan_id = ${input.planId} AND item_id = ${input.itemId}`);
}

export async function planResources(db: Db, planId: string): Promise<readonly PlanResource[]> {
  return db.any(sql.type(planResourceRow)`
    SELECT item_id AS "itemId", kind, resource_id AS "resourceId", error
    FROM release_plan_resources WHERE plan_id = ${planId} ORDER BY created_at, item_id`);
}
