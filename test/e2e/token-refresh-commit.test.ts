// A rotated refresh token whose write fails (issue 14, item 2). Spotify spends the old refresh token as it answers
// a refresh, so a new one lost to a failed commit used to leave the fan revoked. Here the first write of a rotated
// refresh token fails at commit (a deferred constraint trigger, real PostgreSQL): the fan is still delivered and
// stays active.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  accountWithLiveAlbumCampaign,
  fanIdOf,
  fanPresaves,
  savesOf,
  useReleaseStack,
  waitForCampaign,
} from '../helpers/release-stack';

// Rotation on every refresh, as Spotify does for PKCE clients.
const stack = useReleaseStack({ simulator: { rotateSecretClientRefreshTokens: true } });

/** The next commit that changes a stored refresh token fails, once (a sequence: not rolled back with it). */
async function failNextRefreshTokenCommit() {
  await stack.db.pool.query(sql.unsafe`CREATE SEQUENCE token_write_faults`);
  await stack.db.pool.query(sql.unsafe`
    CREATE FUNCTION fail_first_token_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('token_write_faults') = 1 THEN RAISE EXCEPTION 'injected commit failure'; END IF;
      RETURN NULL;
    END $$`);
  await stack.db.pool.query(sql.unsafe`
    CREATE CONSTRAINT TRIGGER token_write_fault AFTER UPDATE ON fan_tokens DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (OLD.refresh_token_enc IS DISTINCT FROM NEW.refresh_token_enc)
    EXECUTE FUNCTION fail_first_token_write()`);
}

describe('fan token refresh', () => {
  it('a rotated refresh token whose commit failed is not lost: the fan is delivered, not revoked', async () => {
    const { headers, campaign } = await accountWithLiveAlbumCampaign(stack, 'Refresh commit', { secondsAhead: 4 });
    expect(campaign.status).toBe(201);
    const { callback } = await fanPresaves(stack, campaign.data.slug, { user: 'rotating-fan' });
    expect(callback.status).toBe(303);
    // Release day finds the access token expired: delivery must refresh, and Spotify rotates the refresh token.
    stack.spotify.state.expireAccessTokens('rotating-fan');
    await failNextRefreshTokenCommit();

    const view = await waitForCampaign(
      stack,
      campaign.data.id,
      headers,
      'settled',
      (r) => r.data.progress.pending === 0,
    );
    const faults = await stack.db.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
      SELECT last_value AS n FROM token_write_faults`);
    expect(faults).toBeGreaterThanOrEqual(1); // the commit failure did happen
    expect(view.data.progress).toMatchObject({ total: 1, done: 1, revoked: 0, failed: 0 });
    expect(savesOf(stack, 'rotating-fan')).toHaveLength(1);
    const status = await stack.db.pool.oneFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM fan_tokens WHERE fan_id = ${await fanIdOf(stack, 'rotating-fan')}`);
    expect(status).toBe('active');
    // No refresh met invalid_grant: the spent refresh token was never tried again.
    const refused = stack.spotify.state.calls().filter((c) => c.path === '/api/token' && c.status === 400);
    expect(refused).toHaveLength(0);
  });
});
