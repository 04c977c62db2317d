-- The artist app's people (issue 18): an account has members who sign in with an e-mail address and a password, each
-- with a role (owner / manager / viewer), and server-side sessions that sign-out and "sign out everywhere" revoke.
-- An address signs in to one account (the lookup hash is unique); it is stored encrypted like every contact detail.
CREATE TABLE members (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  role               text NOT NULL CHECK (role IN ('owner', 'manager', 'viewer')),
  email_enc          text NOT NULL,
  email_lookup       text NOT NULL UNIQUE,
  -- scrypt (lib/crypto/password.ts); null for an invitation not yet accepted
  password_hash      text,
  email_verified_at  timestamptz,
  failed_sign_ins    int NOT NULL DEFAULT 0,
  locked_until       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_account ON members(account_id);

-- The cookie names a session (signed); the row is what makes it valid, so revoking the row signs the browser out.
CREATE TABLE member_sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  member_id   uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX member_sessions_member ON member_sessions(member_id) WHERE revoked_at IS NULL;

-- API keys made in the app carry a name the artist chose, to tell them apart when revoking.
ALTER TABLE api_keys ADD COLUMN name text;

-- Mail to a member (an invitation, a password reset) goes to the member's own address.
ALTER TABLE outbox_emails ADD COLUMN member_id uuid REFERENCES members(id) ON DELETE CASCADE;
ALTER TABLE outbox_emails DROP CONSTRAINT outbox_emails_recipient;
ALTER TABLE outbox_emails ADD CONSTRAINT outbox_emails_recipient
  CHECK (account_id IS NOT NULL OR subscriber_id IS NOT NULL OR order_id IS NOT NULL OR member_id IS NOT NULL);
