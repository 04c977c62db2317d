// The square logo every Google Demand Gen ad must carry. The release artwork once Spotify lists the release (the
// campaign's artworkUrl, recorded when the release resolves); before that, so ads can be created ahead of the release
// for Google to review, the artist's Spotify picture (GET /v1/artists/{id} with the catalogue token). Both come
// through the Spotify client's image fetch (Spotify's image hosts only) and are checked against Google's logo rules.
// A CDN or catalogue hiccup is retried; no image, or one Google cannot use, fails the step for good with the reason
// kept for the artist.
import { ApplicationFailure } from '@temporalio/common';
import { type AdCampaign, recordAdError } from '../db/ad-campaigns';
import { type Campaign } from '../db/campaigns';
import { imageInfo } from '../lib/image';
import { ProviderError } from '../lib/providers/errors';
import { type SpotifyImage } from '../lib/providers/spotify';
import { type ActivityDeps } from './deps';
import { type SpotifyAccess } from './spotify-access';

export type LogoSource = 'release_artwork' | 'artist_picture';

// Google's rules for a Demand Gen logo: square, at least 128x128 pixels, at most 5 MB.
const LOGO_MIN_PIXELS = 128;
const LOGO_MAX_BYTES = 5 * 1024 * 1024;
function logoProblem(bytes: Buffer): string | null {
  const info = imageInfo(bytes);
  if (!info) return 'it is not a PNG, JPEG or GIF image';
  if (bytes.length > LOGO_MAX_BYTES) return `it is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, more than 5 MB`;
  if (info.width !== info.height) return `it is ${info.width}x${info.height} pixels, not square`;
  if (info.width < LOGO_MIN_PIXELS) return `it is ${info.width}x${info.height} pixels, smaller than 128x128`;
  return null;
}

/** The largest of the listed sizes that could be a logo (sizes Spotify left out are checked once downloaded). */
function pictureForLogo(images: SpotifyImage[]): SpotifyImage | undefined {
  const fits = (i: SpotifyImage) => i.width === null || i.height === null || (i.width === i.height && i.width >= 128);
  return [...images].sort((a, b) => (b.width ?? 0) - (a.width ?? 0)).find(fits);
}

const TRANSIENT = ['unavailable', 'rate_limited', 'quota_exhausted', 'outcome_unknown', 'token_invalid'];
const WHAT: Record<LogoSource, string> = {
  release_artwork: 'The release artwork',
  artist_picture: "The artist's Spotify picture",
};

export function createAdLogos(deps: ActivityDeps & { spotifyAccess: SpotifyAccess }) {
  const { pool, spotifyAccess } = deps;
  const { spotify } = deps.providers;

  const unusable = async (ad: AdCampaign, code: string, message: string) => {
    await recordAdError(pool, ad.id, { code, message, step: 'ad' });
    return ApplicationFailure.create({ message, type: 'AdLogoUnusable', nonRetryable: true });
  };

  /** A Spotify read that failed: retried when it may work later, else the ad has no logo. */
  async function failed(ad: AdCampaign, source: LogoSource, error: unknown): Promise<ApplicationFailure> {
    if (!(error instanceof ProviderError)) throw error;
    if (TRANSIENT.includes(error.kind))
      return ApplicationFailure.create({
        message: `${WHAT[source]} could not be read from Spotify yet: ${error.message}`,
        type: 'AdLogoUnavailable',
        nextRetryDelay: error.retryAfterMs,
      });
    return unusable(
      ad,
      `${source}_unusable`,
      `${WHAT[source]} could not be read from Spotify (${error.message}), so the Google ad has no logo.`,
    );
  }

  /** Where the artist's picture is (the artist's own Spotify id, read with the catalogue token). */
  async function artistPictureUrl(ad: AdCampaign, campaign: Campaign, artistId: string): Promise<string> {
    const missing = () =>
      unusable(
        ad,
        'artist_picture_missing',
        "Google Demand Gen ads need a square logo: the release is not on Spotify yet, and the artist's Spotify profile has no picture dropday can use. Add a square picture of at least 128x128 pixels on Spotify for Artists, or create the Google ads once the release is on Spotify.",
      );
    const token = await spotifyAccess.catalogToken(campaign.id);
    if (!token)
      throw ApplicationFailure.create({
        message: "no Spotify catalogue token yet to read the artist's picture",
        type: 'AdLogoUnavailable',
      });
    let images: SpotifyImage[] | undefined;
    try {
      images = (await spotify.artist(token, artistId))?.images;
    } catch (error) {
      throw await failed(ad, 'artist_picture', error);
    }
    const picture = images && pictureForLogo(images);
    if (!picture) throw await missing();
    return picture.url;
  }

  return {
    /** The logo's bytes, checked against Google's rules, and which image they are. */
    async logoImage(ad: AdCampaign, campaign: Campaign): Promise<{ bytes: Buffer; source: LogoSource }> {
      const source: LogoSource = campaign.artworkUrl ? 'release_artwork' : 'artist_picture';
      if (!campaign.artworkUrl && !campaign.artistSpotifyId)
        throw await unusable(
          ad,
          'logo_image_missing',
          'Google Demand Gen ads need a logo: the release is not on Spotify yet and the artist has no Spotify artist id. Create the Google ads again once the release is on Spotify.',
        );
      const url = campaign.artworkUrl ?? (await artistPictureUrl(ad, campaign, campaign.artistSpotifyId!));
      let bytes: Buffer;
      try {
        bytes = await spotify.image(url);
      } catch (error) {
        throw await failed(ad, source, error);
      }
      const problem = logoProblem(bytes);
      if (problem)
        throw await unusable(ad, `${source}_unusable`, `${WHAT[source]} cannot be the Google ad's logo: ${problem}.`);
      return { bytes, source };
    },
  };
}
