-- Issue 18, the release plan (docs/release-plan.md): one plan per campaign, drafted by a releasePlanWorkflow
-- (Gemini under a JSON schema, or the template writer), edited by the artist, accepted once. Items and the
-- linter's findings are JSON (their shape is lib/release-plan/items.ts, validated by zod on every write).
CREATE TABLE release_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL UNIQUE REFERENCES campaigns(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'drafting' CHECK (status IN ('drafting', 'draft', 'accepted', 'failed')),
  budget_minor bigint NOT NULL CHECK (budget_minor >= 0),
  currency text NOT NULL,
  goals text,
  explicit boolean NOT NULL DEFAULT false,
  source text CHECK (source IN ('gemini', 'template')),
  rounds integer NOT NULL DEFAULT 0,
  items jsonb NOT NULL DEFAULT '[]',
  findings jsonb NOT NULL DEFAULT '[]',
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  accepted_at timestamptz
);

-- What accepting made of each item, claimed before it is made: accepting twice makes nothing twice.
CREATE TABLE release_plan_resources (
  plan_id uuid NOT NULL REFERENCES release_plans(id) ON DELETE CASCADE,
  item_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ad_campaign', 'instagram_post', 'reminders', 'task')),
  resource_id uuid,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, item_id)
);
