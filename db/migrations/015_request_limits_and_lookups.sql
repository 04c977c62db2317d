-- Rate limits of the unauthenticated endpoints (api/rate-limit.ts): one fixed-window counter per policy and
-- client, shared by every API process. UNLOGGED: counters are worth nothing after a crash, and skipping the WAL
-- keeps the one upsert per limited request cheap.
CREATE UNLOGGED TABLE request_rate_limits (
  policy       text NOT NULL,
  client       text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL,
  PRIMARY KEY (policy, client)
);
CREATE INDEX request_rate_limits_window ON request_rate_limits (window_start);

-- POST /privacy/delete/email looks a subscriber up by e-mail hash across campaigns: index it.
CREATE INDEX subscribers_email_hash ON subscribers (email_hash, consented_at DESC) WHERE email_hash IS NOT NULL;
