// A fan who revoked access on Spotify: found out on release day (invalid_grant), their tokens are deleted at once
// and their engagement data after the retention period — a durable timer that survives a worker restart.
import { z } from 'zod';
import { sql } from '../../db/pool';
import {
  accountWithLiveAlbumCampaign,
  fanPresaves,
  fanIdOf as fanIdOfUser,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack({ env: { REVOKED_ENGAGEMENT_RETENTION_SECONDS: '6' } });

const fanIdOf = (user: string) => fanIdOfUser(stack, user);
const tokenRows = (fanId: string) =>
  stack.db.pool.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM fan_tokens WHERE fan_id = ${fanId}`,
  );
const eventRows = (fanId: string) =>
  stack.db.pool.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM events WHERE fan_id = ${fanId}`,
  );

describe('revocation and retention', () => {
  it('deletes the tokens at once and the engagement after the retention period, across a worker restart', async () => {
    const { headers, campaign } = await accountWithLiveAlbumCampaign(stack, 'Gone', { secondsAhead: 4 });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-ret-gone' });
    await fanPresaves(stack, campaign.data.slug, { user: 'fan-ret-stays' });
    stack.spotify.state.revokeUser('fan-ret-gone');
    const gone = await fanIdOf('fan-ret-gone');
    const stays = await fanIdOf('fan-ret-stays');

    await waitForCampaign(stack, campaign.data.id, headers, 'release day', (r) => r.data.progress.pending === 0);
    // Tokens: gone at once. Engagement: still there until the retention period ends.
    await waitFor(
      'token deletion',
      () => tokenRows(gone),
      (n) => n === 0,
      15_000,
    );
    expect(await eventRows(gone)).toBeGreaterThan(0);
    expect(await tokenRows(stays)).toBe(1);

    // The retention timer is durable: restart the worker while it runs.
    await stack.worker!.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.startWorker();

    const result = await stack.temporal.client.workflow.getHandle(`fan-retention:${gone}`).result();
    expect(result.engagementDeleted).toBeGreaterThan(0);
    expect(await eventRows(gone)).toBe(0);
    expect(await eventRows(stays)).toBeGreaterThan(0); // another fan's data stays

    const audit = await stack.db.pool.any(sql.type(z.object({ action: z.string(), target: z.string() }))`
      SELECT action, target FROM audit_log WHERE target LIKE ${`fan:${gone}%`} ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual([
      'fan_tokens_deleted_on_revocation',
      'fan_engagement_deleted_after_revocation',
    ]);
    // The audit trail names the pseudonymous fan id only: no Spotify account id or user name.
    expect(JSON.stringify(audit)).not.toContain(stack.spotify.state.getUser('fan-ret-gone')!.accountId);
    expect(JSON.stringify(audit)).not.toContain('fan-ret-gone');
  });
});
