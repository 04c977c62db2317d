-- Issue 15. The smart link keeps campaigns in memory (api/campaign-cache.ts); every change to what its page shows
-- is announced on the `campaign_changed` channel when it commits, whoever wrote it (the API, the release engine, an
-- operator in psql), so every API process drops its copy within milliseconds. The payload is the campaign's id, or
-- '*' for a change that may touch many campaigns (an artist renamed, a Meta pixel added or removed).
CREATE FUNCTION announce_campaign_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'campaigns' THEN
    PERFORM pg_notify('campaign_changed', COALESCE(NEW.id, OLD.id)::text);
  ELSE
    PERFORM pg_notify('campaign_changed', '*');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER campaigns_announce_change AFTER UPDATE OR DELETE ON campaigns
  FOR EACH ROW EXECUTE FUNCTION announce_campaign_change();
CREATE TRIGGER artists_announce_change AFTER UPDATE OR DELETE ON artists
  FOR EACH ROW EXECUTE FUNCTION announce_campaign_change();
CREATE TRIGGER meta_pixels_announce_change AFTER INSERT OR UPDATE OR DELETE ON meta_pixels
  FOR EACH ROW EXECUTE FUNCTION announce_campaign_change();
