-- Issue 16: an SMS goes only to a phone whose owner confirmed it, and a STOP reply is final.
--
-- phone_confirmed_at: the owner of the subscription's phone number opened the link texted to it (the e-mail's owner
-- confirming is not enough: anyone can type someone else's number). Subscriptions that exist when this runs were
-- confirmed through their e-mail only, so their phones get no SMS until their owners confirm them.
ALTER TABLE subscribers ADD COLUMN phone_confirmed_at timestamptz;

-- dropped_at: a message that must never be sent, e.g. Twilio's 21610 (the recipient replied STOP): not retried.
ALTER TABLE outbox_emails ADD COLUMN dropped_at timestamptz;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox_emails(created_at) WHERE sent_at IS NULL AND dropped_at IS NULL;
