// What a fan's revocation says we may no longer keep (see workflows/fan-retention.ts). Writes nothing itself:
// events and attribution_cursors go through their own modules, in one transaction here.
import { deleteFanCursors } from './attribution';
import { deleteEventsOfFans } from './events';
import { hasConsentedSince } from './fans';
import { type DatabasePool } from './pool';

/**
 * The fan's engagement events, unless they consented again after the revocation (then they are a fan again and
 * their history stays). Returns how many events were deleted, or null when skipped.
 */
export async function deleteEngagementUnlessReconsented(
  pool: DatabasePool,
  fanId: string,
  revokedAt: number,
): Promise<number | null> {
  return pool.transaction(async (tx) => {
    if (await hasConsentedSince(tx, fanId, revokedAt)) return null;
    // Every event of the fan (STREAM, SAVE_TRACK, FOLLOW_ARTIST, AUTH, …) and where their history was read up to.
    const deleted = await deleteEventsOfFans(tx, [fanId]);
    await deleteFanCursors(tx, fanId);
    return deleted;
  });
}
