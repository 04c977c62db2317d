-- Accounts verify their e-mail address (issue 13, item 4). Before this, a shop order paid while signed out went to
-- the oldest account with the buyer's address, so whoever registered that address first took the credit. Now an
-- order attaches only to the account that proved it reads that mailbox (the link of the verification e-mail), and an
-- address is verified by one account at most. Accounts that exist when this runs are unverified: they never proved
-- their address either, and their owners can ask for the e-mail again (POST /v1/accounts/me/verification).
ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;
CREATE UNIQUE INDEX accounts_verified_email ON accounts (lower(email)) WHERE email_verified_at IS NOT NULL;
