-- Issue 17: the AI copy writer drafts a release-day Instagram post's caption through the ad copy approval flow
-- (docs/instagram.md, "Caption drafts"). A caption request is an ad copy request of platform 'instagram' tied to
-- its post; each variant keeps the caption in primary_text (headline and description stay empty). Approving one
-- makes it the post's caption.
ALTER TABLE ad_copy_requests DROP CONSTRAINT ad_copy_requests_platform_check;
ALTER TABLE ad_copy_requests ADD CONSTRAINT ad_copy_requests_platform_check
  CHECK (platform IN ('meta', 'google', 'instagram'));
ALTER TABLE ad_copy_variants DROP CONSTRAINT ad_copy_variants_platform_check;
ALTER TABLE ad_copy_variants ADD CONSTRAINT ad_copy_variants_platform_check
  CHECK (platform IN ('meta', 'google', 'instagram'));

ALTER TABLE ad_copy_requests
  ADD COLUMN instagram_post_id uuid REFERENCES instagram_posts(id) ON DELETE CASCADE,
  ADD CONSTRAINT ad_copy_requests_caption_post CHECK ((platform = 'instagram') = (instagram_post_id IS NOT NULL));

-- One open request per ad platform of a campaign, and per Instagram post.
DROP INDEX ad_copy_requests_open;
CREATE UNIQUE INDEX ad_copy_requests_open ON ad_copy_requests(campaign_id, platform,
  coalesce(instagram_post_id, '00000000-0000-0000-0000-000000000000'))
  WHERE status IN ('generating', 'awaiting_approval');
CREATE INDEX ad_copy_requests_instagram_post ON ad_copy_requests(instagram_post_id) WHERE instagram_post_id IS NOT NULL;
