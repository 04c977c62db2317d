-- Accepting a release plan makes each item's resource under an id chosen when the item is claimed (intended_id), and
-- marks the item settled only once that resource is recorded. An accept cut short between the claim and the record
-- (the API process dying) is finished by the next accept, which makes the same resource again under the same id:
-- the ad campaign or Instagram post row is inserted once and its workflow started once (api/release-plan-accept.ts).
ALTER TABLE release_plan_resources
  ADD COLUMN intended_id uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN settled_at timestamptz;
-- Rows from before: settled as they stand (one cut short then may have made a resource under another id).
UPDATE release_plan_resources SET settled_at = created_at;
