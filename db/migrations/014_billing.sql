-- Billing: each account's plan and Stripe ids, Stripe events seen (each handled once), shop orders and the
-- packages they provision, and order e-mails to buyers who may not have an account yet.

-- No row = the free plan. `tier` is what the API enforces; during a grace period it stays the paid tier.
CREATE TABLE account_billing (
  account_id              uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  tier                    text NOT NULL DEFAULT 'free',
  stripe_customer_id      text UNIQUE,
  stripe_subscription_id  text UNIQUE,
  subscription_status     text,
  grace_until             timestamptz,
  -- `created` of the last subscription event applied: Stripe does not promise order, an older event is ignored
  subscription_event_at   bigint,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- Every Stripe webhook event id, recorded in the transaction that handles it: a replay finds it and does nothing.
CREATE TABLE stripe_events (
  event_id     text PRIMARY KEY,
  type         text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- A paid Checkout Session for a shop package. The buyer's address is sealed (key ring) with a keyed lookup hash to
-- find the account that has (or later gets) the same address.
CREATE TABLE orders (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  checkout_session_id   text NOT NULL UNIQUE,
  package_id            text NOT NULL,
  currency              text NOT NULL,
  amount_total          bigint,
  email_enc             text,
  email_hash            text,
  account_id            uuid REFERENCES accounts(id) ON DELETE SET NULL,
  youtube_url           text,
  target_countries      text[] NOT NULL DEFAULT '{}',
  attribution           jsonb NOT NULL DEFAULT '{}',
  status                text NOT NULL DEFAULT 'paid' CHECK (status IN ('paid', 'provisioned')),
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_unlinked_email ON orders(email_hash) WHERE account_id IS NULL;

-- What an order provisions: one package credit, at most one per order (the unique key of the provisioning step).
-- The account's next campaign uses it: one more active campaign, ad automation for that campaign.
CREATE TABLE package_credits (
  order_id     uuid PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
  package_id   text NOT NULL,
  account_id   uuid REFERENCES accounts(id) ON DELETE SET NULL,
  campaign_id  uuid UNIQUE REFERENCES campaigns(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX package_credits_unused ON package_credits(account_id, created_at) WHERE campaign_id IS NULL;

-- Order e-mails go to the buyer's address on the order until an account exists.
ALTER TABLE outbox_emails ADD COLUMN order_id uuid REFERENCES orders(id) ON DELETE CASCADE;
ALTER TABLE outbox_emails DROP CONSTRAINT outbox_emails_recipient;
ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_recipient
  CHECK (account_id IS NOT NULL OR subscriber_id IS NOT NULL OR order_id IS NOT NULL);
