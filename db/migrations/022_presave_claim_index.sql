-- Issue 15. A release batch renews the lease of its claimed rows by claim token every few seconds; without an
-- index each renewal read the whole presaves table (100,000 rows a campaign at a superstar's scale).
CREATE INDEX presaves_claim ON presaves (claim_token) WHERE claim_token IS NOT NULL;
