// One chaos scenario: fans pre-save through the real HTTP path while the API dies once, the release wave runs on two
// worker processes while workers, Temporal and PostgreSQL are killed or restarted and Spotify misbehaves, and the
// outcome is read back from both sides: dropday's rows and the simulator's libraries.
import { sql } from '../../db/pool';
import { z } from 'zod';
import { releaseWorkflowId } from '../../lib/starters/release';
import { artistAccount, fanPresaves } from '../../test/helpers/release-stack';
import { benchCampaign, forEachLimited, releaseIn } from '../lib/stack';
import { startChaosStack, type ChaosStack, type TemporalFactory } from './stack';

export interface FaultRecord {
  what: string;
  atDelivered: number;
  recoverySeconds: number | null;
}

export interface ChaosReport {
  name: string;
  temporal: string;
  fansTried: number;
  expected: number;
  delivered: number;
  revoked: number;
  failed: number;
  lost: number;
  duplicateProviderWrites: number;
  acceptedNeverScheduled: number;
  openAtDeadline: number;
  /** processes that died on their own (not killed by the run) */
  crashes: string[];
  waveSeconds: number;
  historyEventsPerFan: number;
  injected: { serverErrors: number; rateLimited: number; quota: number; lostAnswers: number };
  faults: FaultRecord[];
}

const ZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n * 100) / 100;

export async function runChaosScenario(opts: {
  name: string;
  temporal: TemporalFactory;
  fans: number;
  ceilingRps: number;
  seed: number;
  deadline: number;
  log: (m: string) => void;
}): Promise<ChaosReport> {
  const { log } = opts;
  const stack = await startChaosStack({
    temporal: opts.temporal,
    ceilingRps: opts.ceilingRps,
    maxRps: Math.floor(opts.ceilingRps * 0.9),
    log,
  });
  try {
    await stack.startWorker();
    await stack.startWorker();
    const target = { api: { url: stack.apiUrl }, spotify: stack.spotify };
    const { headers, artistId } = await artistAccount(target);
    const { album, campaign } = await benchCampaign(target, { headers, artistId }, 'Chaos');
    const { id: campaignId, slug } = campaign;
    const faults: FaultRecord[] = [];

    // --- pre-saves over HTTP; the API is SIGKILLed halfway, fans whose request failed try again ---
    const users = Array.from({ length: opts.fans }, (_, i) => `chaos-${opts.name}-${i}`);
    const accepted = new Set<string>();
    let apiKill: Promise<void> | null = null;
    let killedAt = 0;
    let apiBackAt = 0;
    let firstAcceptedAfterKill = 0;
    const started = Date.now();
    await forEachLimited(users, 24, async (user, i) => {
      if (i === Math.floor(opts.fans / 2)) {
        log(`  API SIGKILLed after ${accepted.size} accepted pre-saves`);
        killedAt = Date.now();
        apiKill = stack.killApi(1_000).then(() => {
          apiBackAt = Date.now();
          log(`  API back after ${((apiBackAt - killedAt) / 1000).toFixed(1)} s`);
        });
      }
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          const { callback } = await fanPresaves(target, slug, { user, tz: ZONES[i % ZONES.length] });
          if (callback.status === 303) {
            accepted.add(user);
            if (apiBackAt && !firstAcceptedAfterKill) firstAcceptedAfterKill = Date.now();
            return;
          }
        } catch {
          // the API is down: the fan tries again, as a person would
        }
        await sleep(500 * (attempt + 1));
      }
    });
    if (apiKill) await apiKill;
    faults.push({
      what: 'API SIGKILLed while fans pre-save',
      atDelivered: 0,
      recoverySeconds: firstAcceptedAfterKill ? round((firstAcceptedAfterKill - killedAt) / 1000) : null,
    });
    log(`pre-saves: ${accepted.size}/${opts.fans} accepted in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // 5 % of the fans revoke dropday on Spotify before the release.
    const revokedOnPurpose = users.filter((u, i) => i % 20 === 0 && accepted.has(u));
    for (const user of revokedOnPurpose) stack.spotify.state.revokeUser(user);

    // --- the wave ---
    const waveAt = await releaseIn(target, { headers }, campaignId, 15);
    await sleep(Math.max(0, waveAt - Date.now()));
    const sim = stack.spotify.state;
    sim.injectFault({ kind: '5xx', rate: 0.1, seed: opts.seed });
    sim.injectFault({ kind: 'lost-answer', rate: 0.03, seed: opts.seed + 1, path: '/v1/me/library' });
    const expected = accepted.size;
    const settled = await runWave(stack, { campaignId, expected, faults, deadline: opts.deadline, log });
    const waveSeconds = round((Date.now() - waveAt) / 1000);
    sim.clearFaults();

    // --- what survived ---
    const rows = await stack.pool.any(sql.type(z.object({ state: z.string(), n: z.number() }))`
      SELECT state, count(*)::int AS n FROM presaves WHERE campaign_id = ${campaignId} GROUP BY state`);
    const count = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    const stored = rows.reduce((sum, r) => sum + r.n, 0);
    const inLibrary = [...accepted].filter((user) => sim.library.has(user, album.album.uri)).length;
    const stats = sim.stats();
    const calls = sim.calls();
    const report: ChaosReport = {
      name: opts.name,
      temporal: stack.temporal.label,
      fansTried: opts.fans,
      expected,
      delivered: inLibrary,
      revoked: count('revoked'),
      failed: count('failed'),
      // Accepted and neither in the fan's library nor revoked by the fan: lost, however the rows say it ended.
      lost: Math.max(0, expected - inLibrary - Math.min(count('revoked'), revokedOnPurpose.length)),
      duplicateProviderWrites: stats.duplicateSaves + stats.duplicateFollows,
      acceptedNeverScheduled: Math.max(0, expected - stored),
      openAtDeadline: settled ? 0 : count('pending') + count('running'),
      crashes: [...stack.crashes],
      waveSeconds,
      historyEventsPerFan: round((await historyEvents(stack, campaignId)) / Math.max(1, expected)),
      injected: {
        serverErrors: calls.filter((c) => c.fault === '5xx').length,
        rateLimited: calls.filter((c) => c.fault === '429').length,
        quota: calls.filter((c) => c.fault === 'quota').length,
        lostAnswers: calls.filter((c) => c.fault === 'lost-answer').length,
      },
      faults,
    };
    log(`scenario ${opts.name}: ${JSON.stringify(report)}`);
    return report;
  } finally {
    await stack.close();
  }
}

/**
 * Waits for the wave to settle while breaking things at given shares of the fans delivered. Returns whether every
 * row settled before the deadline.
 */
async function runWave(
  stack: ChaosStack,
  m: { campaignId: string; expected: number; faults: FaultRecord[]; deadline: number; log: (m: string) => void },
): Promise<boolean> {
  const sim = stack.spotify.state;
  const plan: [number, string, () => Promise<void>][] = [
    [
      0.1,
      '429 burst (Retry-After 2 s)',
      async () => void sim.injectFault({ kind: '429', count: 25, retryAfterSeconds: 2 }),
    ],
    [0.2, 'worker SIGKILLed (1 of 3)', () => stack.killWorker()],
    [0.3, stack.temporal.restartLabel, () => stack.temporal.restart()],
    [
      0.38,
      'QUOTA_EXCEEDED window (4 s)',
      async () => void sim.injectFault({ kind: 'quota', durationMs: 4_000, retryAfterSeconds: 5 }),
    ],
    [0.45, 'worker SIGKILLed (2 of 3)', () => stack.killWorker()],
    [
      0.55,
      '429 burst (Retry-After 2 s)',
      async () => void sim.injectFault({ kind: '429', count: 25, retryAfterSeconds: 2 }),
    ],
    [0.6, 'PostgreSQL restarted', () => stack.restartPostgres(2_000)],
    [0.75, 'worker SIGKILLed (3 of 3)', () => stack.killWorker()],
  ];
  let pending: { record: FaultRecord; startedAt: number; doneAtEnd: number } | null = null;
  for (;;) {
    const counts = await stack.pool
      .one(
        sql.type(z.object({ done: z.number(), open: z.number() }))`
        SELECT count(*) FILTER (WHERE state = 'done')::int AS done,
               count(*) FILTER (WHERE state IN ('pending', 'running'))::int AS open
        FROM presaves WHERE campaign_id = ${m.campaignId}`,
      )
      .catch(() => null); // PostgreSQL may be down: that is the point
    if (counts) {
      if (pending && counts.done > pending.doneAtEnd) {
        pending.record.recoverySeconds = round((Date.now() - pending.startedAt) / 1000);
        pending = null;
      }
      if (!pending && plan.length && counts.done >= plan[0][0] * m.expected) {
        const [, what, act] = plan.shift()!;
        const record: FaultRecord = { what, atDelivered: counts.done, recoverySeconds: null };
        m.faults.push(record);
        m.log(`  ${what} at ${counts.done} delivered`);
        const startedAt = Date.now();
        await act();
        pending = { record, startedAt, doneAtEnd: counts.done };
      }
      if (counts.open === 0) {
        for (const [, what] of plan) m.log(`  not reached before the wave ended: ${what}`);
        return true;
      }
    }
    if (Date.now() > m.deadline) {
      m.log('  deadline reached');
      return false;
    }
    await sleep(250);
  }
}

/** Events in every run of the release workflow (it continues as new as its history grows). */
async function historyEvents(stack: ChaosStack, campaignId: string): Promise<number> {
  const workflowId = releaseWorkflowId(campaignId);
  const runIds = new Set<string>();
  for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runIds.add(run.runId);
  let events = 0;
  for (const runId of runIds)
    events += (await stack.client.workflow.getHandle(workflowId, runId).fetchHistory()).events?.length ?? 0;
  return events;
}
