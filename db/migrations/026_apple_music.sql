-- Issue 16, Apple Music pre-adds (docs/providers/apple-music.md).
--
-- apple_music_tokens: a fan's Music-User-Token, an AES-256-GCM ciphertext bound to the fan's row like fan_tokens.
-- Apple gives no refresh: once it refuses the token (403 40300) the row is 'reauthorize' and the token is never
-- sent again; only a new authorization in the fan's browser makes it 'active'.
CREATE TABLE apple_music_tokens (
  fan_id          uuid PRIMARY KEY REFERENCES fans(id) ON DELETE CASCADE,
  user_token_enc  text NOT NULL,
  storefront      text NOT NULL,
  consented_at    timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reauthorize')),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- apple_music_albums: the release in each storefront its fans are in (catalog ids belong to a storefront).
-- album_id null: looked up by UPC and not found (yet).
CREATE TABLE apple_music_albums (
  campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  storefront   text NOT NULL,
  album_id     text,
  pre_release  boolean NOT NULL DEFAULT false,
  checked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, storefront)
);

-- When a pre-release album was added at consent time and read back; the row stays pending until the release
-- instant, when it is read back again (and added again if missing).
ALTER TABLE presaves ADD COLUMN preadded_at timestamptz;
