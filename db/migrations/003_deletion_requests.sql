-- A fan's request to erase their data. After erasure the row keeps only its id, status and times: the audit trail
-- that the promise was kept, with no personal data (fan_id is set to NULL when the fan row goes).
CREATE TABLE deletion_requests (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fan_id        uuid REFERENCES fans(id) ON DELETE SET NULL,
  verified_by   text NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
  requested_at  timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz
);

-- OAuth sign-ins also verify who asks for deletion: those belong to no campaign.
ALTER TABLE oauth_states ALTER COLUMN campaign_id DROP NOT NULL;
ALTER TABLE oauth_states ADD COLUMN purpose text NOT NULL DEFAULT 'presave' CHECK (purpose IN ('presave', 'deletion'));
