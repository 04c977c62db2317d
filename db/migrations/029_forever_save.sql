-- Issue 16, forever-save (docs/forever-save.md): a fan who ticked "also save this artist's next releases" on one
-- release's smart link. One row per fan (a fan is one account at one platform) and artist, never shared across
-- artists. The words the fan agreed to are kept as shown (and their version), like a subscription's consent.
-- stopped_at: the fan stopped it (a stop link, or the deletion page); a new tick on a later visit starts it again.
CREATE TABLE forever_saves (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  fan_id              uuid NOT NULL REFERENCES fans(id) ON DELETE CASCADE,
  artist_id           uuid NOT NULL REFERENCES artists(id) ON DELETE CASCADE,
  source_campaign_id  uuid REFERENCES campaigns(id) ON DELETE SET NULL,
  consent_version     text NOT NULL,
  consent_text        text NOT NULL,
  consented_at        timestamptz NOT NULL DEFAULT now(),
  stopped_at          timestamptz,
  UNIQUE (fan_id, artist_id)
);
-- Enrolment reads an artist's active opt-ins when each of its campaigns is planned.
CREATE INDEX forever_saves_artist ON forever_saves(artist_id) WHERE stopped_at IS NULL;

-- How a pre-save came to be: the fan's own visit, or enrolment of a forever-save fan into the artist's new campaign
-- (counted apart in the campaign, its analytics and its token ledger).
ALTER TABLE presaves ADD COLUMN source text NOT NULL DEFAULT 'visit' CHECK (source IN ('visit', 'forever_save'));

-- The Spotify sign-in carries the tick through the provider's consent page and back.
ALTER TABLE oauth_states ADD COLUMN forever_save boolean NOT NULL DEFAULT false;
