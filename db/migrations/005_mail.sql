-- E-mail to fans who subscribed (re-consent nudges), and the sandbox transport's mailbox.
ALTER TABLE subscribers ADD COLUMN fan_id uuid REFERENCES fans(id) ON DELETE CASCADE;
CREATE INDEX subscribers_fan ON subscribers(fan_id) WHERE fan_id IS NOT NULL;

ALTER TABLE outbox_emails ALTER COLUMN account_id DROP NOT NULL;
ALTER TABLE outbox_emails ADD COLUMN subscriber_id uuid REFERENCES subscribers(id) ON DELETE CASCADE;
ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_recipient CHECK (account_id IS NOT NULL OR subscriber_id IS NOT NULL);
ALTER TABLE outbox_emails ADD COLUMN attempts int NOT NULL DEFAULT 0;
ALTER TABLE outbox_emails ADD COLUMN last_error text;
CREATE INDEX outbox_unsent ON outbox_emails(created_at) WHERE sent_at IS NULL;

-- What the sandbox mail transport "sent": the stand-in for an e-mail provider in sandbox mode and in tests.
-- The address is a key-ring ciphertext like every other contact detail.
CREATE TABLE sandbox_mailbox (
  outbox_id       uuid PRIMARY KEY REFERENCES outbox_emails(id) ON DELETE CASCADE,
  to_address_enc  text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  delivered_at    timestamptz NOT NULL DEFAULT now()
);
