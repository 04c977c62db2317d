-- Fans who gave an e-mail address and/or phone number on a smart link, with the consent text they agreed to.
-- Contact details are AES-256-GCM ciphertexts; the keyed hashes find duplicates without decrypting.
CREATE TABLE subscribers (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id      uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  email_enc        text,
  email_hash       text,
  phone_enc        text,
  phone_hash       text,
  consent_text     text NOT NULL,
  consented_at     timestamptz NOT NULL DEFAULT now(),
  unsubscribed_at  timestamptz,
  CHECK (email_enc IS NOT NULL OR phone_enc IS NOT NULL)
);
CREATE UNIQUE INDEX subscribers_email ON subscribers(campaign_id, email_hash) WHERE email_hash IS NOT NULL;
CREATE UNIQUE INDEX subscribers_phone ON subscribers(campaign_id, phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX subscribers_export ON subscribers(campaign_id, consented_at, id) WHERE unsubscribed_at IS NULL;

-- Deletion requests can also come from Meta's data deletion callback: keyed to a hash of Meta's app-scoped user id.
ALTER TABLE deletion_requests ADD COLUMN subject_hash text;
