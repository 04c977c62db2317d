-- Issue 16: every platform on the smart link, and reminders for fans dropday cannot save for.
--
-- A campaign's release links per streaming platform, in the artist's order. A NULL url asks dropday to fill the
-- link from its own catalog lookup (Spotify: the resolved album; Apple Music: its lookup, when it lands). A
-- campaign without rows shows Spotify alone, as before.
CREATE TABLE campaign_platform_links (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  platform     text NOT NULL CHECK (platform IN ('spotify', 'apple_music', 'youtube_music', 'deezer', 'tidal',
                                                 'amazon_music', 'soundcloud', 'bandcamp', 'beatport', 'audiomack')),
  url          text CHECK (url IS NULL OR url LIKE 'https://%'),
  position     smallint NOT NULL,
  PRIMARY KEY (campaign_id, platform),
  CHECK (url IS NOT NULL OR platform IN ('spotify', 'apple_music'))
);

-- The smart link keeps campaigns in memory (api/campaign-cache.ts, migration 023): a change of a campaign's links
-- is announced like a change of the campaign itself.
CREATE FUNCTION announce_platform_links_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('campaign_changed', COALESCE(NEW.campaign_id, OLD.campaign_id)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER campaign_platform_links_announce_change AFTER INSERT OR UPDATE OR DELETE ON campaign_platform_links
  FOR EACH ROW EXECUTE FUNCTION announce_platform_links_change();

-- Release-day reminders: a subscription (same double opt-in, consent text and unsubscribe link) that also asked for
-- one message when the release is out, with the fan's platform (their link comes first) and time zone (a local
-- release reaches them at their own midnight). reminded_at: the reminder was queued, once, in the outbox.
ALTER TABLE subscribers ADD COLUMN wants_reminder boolean NOT NULL DEFAULT false;
ALTER TABLE subscribers ADD COLUMN reminder_platform text CHECK (reminder_platform IN ('spotify', 'apple_music',
  'youtube_music', 'deezer', 'tidal', 'amazon_music', 'soundcloud', 'bandcamp', 'beatport', 'audiomack'));
ALTER TABLE subscribers ADD COLUMN reminder_zone text;
ALTER TABLE subscribers ADD COLUMN reminded_at timestamptz;
CREATE INDEX subscribers_reminders_due ON subscribers(campaign_id)
  WHERE wants_reminder AND reminded_at IS NULL AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL;

-- The outbox carries SMS too (a reminder's text message, sent through Twilio), under the same delivery rule.
ALTER TABLE outbox_emails ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));

-- The release's Spotify Countdown Page, where Spotify offers one and the artist adds its link: shown before release.
CREATE TABLE campaign_countdown_pages (
  campaign_id  uuid PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
  url          text NOT NULL CHECK (url LIKE 'https://open.spotify.com/%')
);
CREATE TRIGGER campaign_countdown_pages_announce_change AFTER INSERT OR UPDATE OR DELETE ON campaign_countdown_pages
  FOR EACH ROW EXECUTE FUNCTION announce_platform_links_change();
