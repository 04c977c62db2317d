// Spotify misbehaving on release day: revoked fans, a 429 storm, 5xx and timeouts, a spent quota. Everyone who
// can be delivered is delivered exactly once, the rest end with a reason, and no token is ever stored in clear.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { releaseWorkflowId } from '../../lib/starters/release';
import { progressQuery } from '../../workflows/release';
import {
  accountWithLiveAlbumCampaign,
  fanPresaves,
  http,
  savesOf,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack();
afterEach(() => stack.spotify.state.clearFaults());

const successfulSaves = (user: string) => savesOf(stack, user).length;

/** `beforeRelease` runs after the fans pre-saved and before the release instant (asserted). */
async function campaignWithFans(
  title: string,
  fans: string[],
  secondsAhead: number,
  beforeRelease: () => void = () => {},
) {
  const { headers, campaign: res, release } = await accountWithLiveAlbumCampaign(stack, title, { secondsAhead });
  expect(res.status).toBe(201);
  for (const user of fans) {
    const { callback } = await fanPresaves(stack, res.data.slug, { user });
    expect(callback.status).toBe(303);
  }
  beforeRelease();
  expect(Date.now()).toBeLessThan(release.at);
  return { id: res.data.id as string, headers, release };
}

describe('release day faults', () => {
  it('revoked fans end revoked and are never retried; everyone else is delivered', async () => {
    const fans = Array.from({ length: 8 }, (_, i) => `fan-rv-${i}`);
    const { id, headers } = await campaignWithFans('Revoked', fans, 4);
    for (const user of fans.slice(0, 3)) stack.spotify.state.revokeUser(user);

    const view = await waitForCampaign(stack, id, headers, 'all settled', (r) => r.data.progress.pending === 0);
    expect(view.data.progress).toMatchObject({ total: 8, done: 5, revoked: 3, failed: 0 });
    const list = await http.get(`${stack.api.url}/v1/campaigns/${id}/presaves`, {
      headers,
      params: { status: 'revoked' },
    });
    expect(list.data.items).toHaveLength(3);
    expect(list.data.items.every((p: { reason: string }) => p.reason === 'revoked')).toBe(true);
    for (const user of fans.slice(3)) expect(successfulSaves(user)).toBe(1);
    // A revoked refresh token is tried once (invalid_grant) and never again.
    const tokenCalls = stack.spotify.state.calls().filter((c) => c.path === '/api/token' && c.status === 400);
    expect(tokenCalls.length).toBeLessThanOrEqual(3);
  });

  it('a 429 storm, 5xx and a timeout still deliver everyone exactly once', async () => {
    const fans = Array.from({ length: 12 }, (_, i) => `fan-storm-${i}`);
    const before = stack.spotify.state.stats();
    const { id, headers } = await campaignWithFans('Storm', fans, 10, () => {
      stack.spotify.state.injectFault({ kind: '429', count: 12, retryAfterSeconds: 1, path: '/v1/me/library' });
      stack.spotify.state.injectFault({ kind: '5xx', count: 4, status: 503, path: '/v1/me/library' });
      stack.spotify.state.injectFault({ kind: 'timeout', count: 1, delayMs: 12_000, path: '/v1/me/library' });
    });

    const view = await waitForCampaign(stack, id, headers, 'all delivered', (r) => r.data.progress.done === 12, 90_000);
    expect(view.data.progress).toMatchObject({ total: 12, done: 12, failed: 0, revoked: 0 });
    for (const user of fans) expect(successfulSaves(user)).toBe(1);
    const after = stack.spotify.state.stats();
    expect(after.duplicateSaves).toBe(before.duplicateSaves);
    expect(after.byStatus['429'] ?? 0).toBeGreaterThanOrEqual(12);
  });

  it('a spent quota pauses the wave, says why and until when, then resumes', async () => {
    const fans = Array.from({ length: 4 }, (_, i) => `fan-quota-${i}`);
    const { id, headers } = await campaignWithFans('Quota', fans, 5, () => {
      stack.spotify.state.injectFault({ kind: 'quota', count: 1, retryAfterSeconds: 4, path: '/v1/me/library' });
    });
    const handle = stack.temporal.client.workflow.getHandle(releaseWorkflowId(id));
    const paused = await waitFor(
      'the pause',
      () => handle.query(progressQuery),
      (p) => p.phase === 'paused',
      30_000,
    );
    expect(paused.pauseReason).toBe('quota_exceeded');
    expect(paused.pausedUntil).toBeGreaterThan(Date.now());
    const view = await waitForCampaign(stack, id, headers, 'all delivered', (r) => r.data.progress.done === 4, 60_000);
    expect(view.data.progress.failed).toBe(0);
    for (const user of fans) expect(successfulSaves(user)).toBe(1);
  });

  it('a save whose answer was lost, then a spent quota: the fan is looked up before saving again, never saved twice', async () => {
    const before = stack.spotify.state.stats();
    const { id, headers } = await campaignWithFans('Lost then quota', ['fan-lost-quota'], 5, () => {
      // The save lands but its answer is lost; the look-up that follows meets the spent quota.
      stack.spotify.state.injectFault({ kind: 'lost-answer', count: 1, path: '/v1/me/library' });
      stack.spotify.state.injectFault({ kind: 'quota', count: 1, retryAfterSeconds: 2, path: '/v1/me/library' });
    });
    const view = await waitForCampaign(stack, id, headers, 'delivered', (r) => r.data.progress.done === 1, 60_000);
    expect(view.data.progress).toMatchObject({ total: 1, done: 1, failed: 0 });
    expect(stack.spotify.state.calls().some((c) => c.fault === 'lost-answer')).toBe(true);
    expect(stack.spotify.state.stats().duplicateSaves).toBe(before.duplicateSaves);
  });

  it('the database holds no token in clear text', async () => {
    const tokens = stack.spotify.state.auth.issuedTokens();
    expect(tokens.length).toBeGreaterThan(10);
    const tables = await stack.db.pool.anyFirst(sql.type(z.object({ t: z.string() }))`
      SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public'`);
    let dump = '';
    for (const table of tables) {
      const rows = await stack.db.pool.anyFirst(sql.type(z.object({ j: z.string() }))`
        SELECT row_to_json(x)::text AS j FROM ${sql.identifier([table])} x`);
      dump += rows.join('\n');
    }
    expect(dump).toContain('enc:v1:'); // the tokens are there, sealed
    for (const token of tokens) expect(dump).not.toContain(token);
  });
});
