-- What only the copy workflow needs beyond the shared tables of 008: the request's inputs (how many variants, the
-- explicit flag that turns on age gating, genres for the prompt), its progress (the current generation of variants,
-- the artist's last feedback, why it failed, when the approval window closes) and each variant's lint result.
ALTER TABLE ad_copy_requests
  ADD COLUMN variant_count  int NOT NULL DEFAULT 3 CHECK (variant_count BETWEEN 1 AND 5),
  ADD COLUMN explicit       boolean NOT NULL DEFAULT false,
  ADD COLUMN genres         text[] NOT NULL DEFAULT '{}',
  ADD COLUMN generation     int NOT NULL DEFAULT 0,
  ADD COLUMN feedback       text,
  ADD COLUMN failure_reason text,
  ADD COLUMN expires_at     timestamptz;

-- One open request per campaign and platform: a second one would race the first for approval.
CREATE UNIQUE INDEX ad_copy_requests_open ON ad_copy_requests(campaign_id, platform)
  WHERE status IN ('generating', 'awaiting_approval');

-- Each rejection produces a new generation; only the current generation's clean variants can be approved.
-- violations: [{code, field?, message}] from lib/ad-copy/linter.ts; empty means the variant passed.
ALTER TABLE ad_copy_variants
  ADD COLUMN generation int NOT NULL DEFAULT 0,
  ADD COLUMN violations jsonb NOT NULL DEFAULT '[]';
