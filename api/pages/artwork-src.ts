// Where a page finds a campaign's artwork: always on dropday's own origin (api/routes/artwork.ts), never at a
// provider's host. An upload is named by its stored id, a catalogue cover by the campaign and a hash of the cover's
// address, so each path names one image for good and may be cached for a year.
import { type Campaign } from '../../db/campaigns';
import { type ArtworkSize } from '../../lib/artwork/rendition';
import { catalogueUrlHash } from '../artwork';

export function artworkSrc(campaign: Pick<Campaign, 'id' | 'artworkUrl' | 'artworkUploadId'>, size: ArtworkSize) {
  if (campaign.artworkUploadId) return `/artwork/${campaign.artworkUploadId}/${size}.jpg`;
  if (campaign.artworkUrl)
    return `/artwork/campaigns/${campaign.id}/${catalogueUrlHash(campaign.artworkUrl)}/${size}.jpg`;
  return null;
}

export const storedArtworkSrc = (artworkId: string, size: ArtworkSize) => `/artwork/${artworkId}/${size}.jpg`;
