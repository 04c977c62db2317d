-- Issue 14. Two hand-offs that a crash or a failed commit could lose.
--
-- release_handoffs: the transactional outbox between a stored pre-save and its release engine. The pre-save
-- callback writes a row in the same transaction as the pre-save when the engine must hear of it (a new wave, or a
-- fan due now); the API signals and deletes it, and the `release-handoffs` Schedule signal-with-starts whatever
-- is left (the API died or Temporal refused between commit and signal).
CREATE TABLE release_handoffs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  due_at       timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  attempts     int NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX release_handoffs_created ON release_handoffs (created_at);

-- fan_tokens: a refresh is claimed in its own short statement (refresh_claim, leased until refresh_claimed_until),
-- so no transaction is held open across Spotify's answer and a rotated refresh token is written on its own,
-- retried, instead of vanishing with a failed commit.
ALTER TABLE fan_tokens ADD COLUMN refresh_claim uuid, ADD COLUMN refresh_claimed_until timestamptz;
