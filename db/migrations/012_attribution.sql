-- Attribution backfill (attributionWorkflow): the campaign's own tracks, and per fan and campaign how far their
-- listening history has been read and whether the library/follow checks already produced their events.

-- The tracks of the campaign's release on Spotify, resolved from the album once it is live. Only plays of these
-- count as STREAM events.
CREATE TABLE campaign_tracks (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  platform     text NOT NULL DEFAULT 'spotify',
  track_id     text NOT NULL,
  PRIMARY KEY (campaign_id, platform, track_id)
);

-- One row per fan and campaign. `played_after` is the recently-played cursor (unix ms, exclusive): plays at or
-- before it were read already. Updated after every page, so a crash resumes where it stopped.
CREATE TABLE attribution_cursors (
  campaign_id      uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  fan_id           uuid NOT NULL REFERENCES fans(id) ON DELETE CASCADE,
  played_after     bigint NOT NULL DEFAULT 0,
  last_checked_at  timestamptz,
  last_outcome     text,
  PRIMARY KEY (campaign_id, fan_id)
);

-- One row per backfill run (one Schedule action or a manual backfill): which fans it got through, for a retry
-- or a resumed run to carry on after the last finished fan.
CREATE TABLE attribution_runs (
  run_key       text PRIMARY KEY,
  campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  after_fan_id  uuid,
  fans_checked  int NOT NULL DEFAULT 0,
  fans_skipped  int NOT NULL DEFAULT 0,
  streams       int NOT NULL DEFAULT 0,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX attribution_runs_campaign ON attribution_runs(campaign_id, started_at);
CREATE INDEX events_fan ON events(fan_id) WHERE fan_id IS NOT NULL;
