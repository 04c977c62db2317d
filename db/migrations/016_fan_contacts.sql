-- Double opt-in for fans' contacts, and the kind of each e-mail.
-- A subscription counts (receives mail, is exported, links a fan) only once confirmed through the signed link sent
-- to its address. A contact that was ever confirmed keeps its e-mail and phone for good: the subscribe form never
-- rewrites them, and an unsubscribe stays until the owner confirms a new subscription. Rows that exist when this
-- runs were subscribed under the single opt-in of before and are taken as confirmed then.
ALTER TABLE subscribers ADD COLUMN confirmed_at timestamptz;
UPDATE subscribers SET confirmed_at = consented_at;
DROP INDEX subscribers_export;
CREATE INDEX subscribers_export ON subscribers(campaign_id, consented_at, id)
  WHERE unsubscribed_at IS NULL AND confirmed_at IS NOT NULL;

-- Transactional e-mails (a subscription's confirmation, a deletion link) go to whoever asked for them, subscribed
-- or not; marketing e-mails reach a subscriber only while confirmed and subscribed. One rule, in the delivery.
ALTER TABLE outbox_emails ADD COLUMN kind text NOT NULL DEFAULT 'marketing'
  CHECK (kind IN ('transactional', 'marketing'));
