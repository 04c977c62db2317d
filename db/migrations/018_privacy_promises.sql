-- Meta's data deletion callback names an app-scoped Meta user id: a Meta connection remembers which Meta user made
-- it, as a keyed hash of `meta:<id>` (the same hash the callback computes), never the id itself.
ALTER TABLE connections ADD COLUMN provider_user_hash text;
CREATE INDEX connections_provider_user ON connections(provider, provider_user_hash) WHERE provider_user_hash IS NOT NULL;

-- An erasure that could not be done is said to be failed, never completed.
ALTER TABLE deletion_requests DROP CONSTRAINT deletion_requests_status_check;
ALTER TABLE deletion_requests ADD CONSTRAINT deletion_requests_status_check
  CHECK (status IN ('pending', 'completed', 'failed'));
-- One open Meta deletion request per Meta user: a repeated callback answers with it.
CREATE UNIQUE INDEX deletion_requests_meta_open ON deletion_requests(subject_hash)
  WHERE verified_by = 'meta_signed_request' AND status = 'pending';
-- Meta deletion requests recorded before this migration erased nothing: they were marked completed at once.
-- They are left as they are; the connections they named were never linked to a Meta user id (see docs/privacy.md).

-- The sandbox mailbox keeps the headers a provider would send (List-Unsubscribe of marketing messages).
ALTER TABLE sandbox_mailbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}';
