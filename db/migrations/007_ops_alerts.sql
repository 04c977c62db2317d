-- Workflows an operator should look at (found by the stuck-detection Schedule). Ids and messages only.
CREATE TABLE ops_alerts (
  workflow_id  text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('activity_failing', 'overdue')),
  detail       text NOT NULL,
  first_seen   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz NOT NULL DEFAULT now(),
  resolved_at  timestamptz,
  PRIMARY KEY (workflow_id, kind)
);
