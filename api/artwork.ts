// Artwork dropday serves itself (docs/artist-app.md, "Artwork"): the artist's upload for a release no catalogue
// shows yet, and copies of catalogue covers (a browser never loads an image from a provider's host, and the CSP says
// img-src 'self'). Use cases, testable without HTTP:
// - upload: PNG or JPEG by its magic bytes (lib/image.ts), at most 10 MB and within the pixel limits, decoded once
//   in full (a valid header on a broken body is refused), stored, and shown on the campaign instead of the
//   catalogue's cover;
// - a catalogue cover is fetched once through the provider layer (only from Spotify's image hosts) and kept;
// - each size the pages use is made once (lib/artwork/rendition.ts) and kept, so serving is one indexed read.
import { createHash } from 'node:crypto';
import {
  type ArtworkRendition,
  findArtworkImage,
  findCatalogueArtworkId,
  findRendition,
  saveArtworkImage,
  saveRendition,
} from '../db/artwork';
import { findCampaignById, setCampaignArtworkUpload } from '../db/campaigns';
import { type ArtworkSize, squareJpeg } from '../lib/artwork/rendition';
import { imageInfo } from '../lib/image';
import { ProviderError } from '../lib/providers/errors';
import { type AppDeps } from './deps';

export const MAX_ARTWORK_BYTES = 10 * 1024 * 1024;
export const ARTWORK_MIN_SIDE = 300;
export const ARTWORK_MAX_SIDE = 6000;

export type ArtworkRefusal = { refused: 'not_an_image' | 'too_small' | 'too_large'; message: string };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
/** The part of a catalogue cover's address hash that its served path carries (./pages/artwork-src.ts). */
export const catalogueUrlHash = (url: string) => sha256(url).slice(0, 16);
const catalogueKey = (url: string) => `catalogue:${sha256(url)}`;

type Checked = { refused: false; format: 'png' | 'jpeg'; width: number; height: number } | ArtworkRefusal;

/** The bytes' kind and size by their header, against the limits. */
function check(bytes: Buffer): Checked {
  const info = imageInfo(bytes);
  if (!info || info.format === 'gif')
    return { refused: 'not_an_image', message: 'artwork must be a PNG or JPEG image' };
  if (info.width < ARTWORK_MIN_SIDE || info.height < ARTWORK_MIN_SIDE)
    return {
      refused: 'too_small',
      message: `artwork must be at least ${ARTWORK_MIN_SIDE}×${ARTWORK_MIN_SIDE} pixels (this one is ${info.width}×${info.height})`,
    };
  if (info.width > ARTWORK_MAX_SIDE || info.height > ARTWORK_MAX_SIDE)
    return {
      refused: 'too_large',
      message: `artwork must be at most ${ARTWORK_MAX_SIDE}×${ARTWORK_MAX_SIDE} pixels (this one is ${info.width}×${info.height})`,
    };
  return { refused: false, format: info.format, width: info.width, height: info.height };
}

export type Artwork = ReturnType<typeof createArtwork>;

export function createArtwork({ pool, providers, logger }: Pick<AppDeps, 'pool' | 'providers' | 'logger'>) {
  async function rendition(artworkId: string, size: ArtworkSize): Promise<ArtworkRendition | null> {
    const kept = await findRendition(pool, artworkId, size);
    if (kept) return kept;
    const image = await findArtworkImage(pool, artworkId);
    if (!image) return null;
    const bytes = await squareJpeg(image.bytes, size);
    const made = { bytes, etag: sha256(bytes).slice(0, 32) };
    await saveRendition(pool, { artworkId, size, ...made });
    return made;
  }

  return {
    rendition,

    /**
     * Stores the upload and shows it on the campaign; `not_found` for a campaign of another account (or none), before
     * anything about the body is said (another tenant's id answers 404 whatever was sent); `no_image` for no body.
     */
    async upload(input: {
      accountId: string;
      campaignId: string;
      bytes: Buffer | null;
    }): Promise<{ artworkId: string; width: number; height: number } | ArtworkRefusal | 'not_found' | 'no_image'> {
      const campaign = await findCampaignById(pool, input.campaignId);
      if (!campaign || campaign.accountId !== input.accountId) return 'not_found';
      if (!input.bytes || input.bytes.length === 0) return 'no_image';
      const checked = check(input.bytes);
      if (checked.refused) return checked;
      let largest: Buffer;
      try {
        largest = await squareJpeg(input.bytes, 640);
      } catch {
        return { refused: 'not_an_image', message: 'the image could not be read: it is damaged or not a PNG or JPEG' };
      }
      const artworkId = await saveArtworkImage(pool, {
        accountId: input.accountId,
        sourceKey: `upload:${sha256(input.bytes)}`,
        contentType: checked.format === 'png' ? 'image/png' : 'image/jpeg',
        width: checked.width,
        height: checked.height,
        bytes: input.bytes,
      });
      await saveRendition(pool, { artworkId, size: 640, bytes: largest, etag: sha256(largest).slice(0, 32) });
      if (!(await setCampaignArtworkUpload(pool, { ...input, artworkId }))) return 'not_found';
      return { artworkId, width: checked.width, height: checked.height };
    },

    /** The kept copy of a catalogue cover, fetched the first time; null when it cannot be had (logged). */
    async catalogueCopy(url: string): Promise<string | null> {
      const kept = await findCatalogueArtworkId(pool, catalogueKey(url));
      if (kept) return kept;
      let bytes: Buffer;
      try {
        bytes = await providers.spotify.image(url);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ kind: error.kind }, 'catalogue artwork not fetched');
        return null;
      }
      const checked = check(bytes);
      if (checked.refused) {
        logger.warn({ refused: checked.refused }, 'catalogue artwork not kept');
        return null;
      }
      return saveArtworkImage(pool, {
        accountId: null,
        sourceKey: catalogueKey(url),
        contentType: checked.format === 'png' ? 'image/png' : 'image/jpeg',
        width: checked.width,
        height: checked.height,
        bytes,
      });
    },

    /** A size of the campaign's catalogue cover, when `urlHash` names its current cover (else null: a stale path). */
    async campaignCatalogueRendition(campaignId: string, urlHash: string, size: ArtworkSize) {
      const campaign = await findCampaignById(pool, campaignId);
      if (!campaign?.artworkUrl || catalogueUrlHash(campaign.artworkUrl) !== urlHash) return null;
      const artworkId = await this.catalogueCopy(campaign.artworkUrl);
      return artworkId ? rendition(artworkId, size) : null;
    },
  };
}
