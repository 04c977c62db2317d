// npm run chaos — a release of N fans while things break, then what survived.
//
//   npm run chaos -- [--fans 5000] [--scenario cluster|dev|both] [--ceiling 150] [--seed 1] [--minutes 15]
//
// Per scenario: N fans pre-save over HTTP while the API is SIGKILLed once; 5 % of them then revoke dropday on
// Spotify; the release comes with two worker processes and, mid-wave, a worker SIGKILLed three times, Temporal's
// history service (cluster) or the dev server restarted, and PostgreSQL restarted; the Spotify simulator answers
// 10 % 5xx, bursts of 429 with Retry-After, one QUOTA_EXCEEDED window, and lost answers whose writes did land.
// Bounded in time; prints a table per scenario and one JSON line last. Figures, not assertions.
import { runChaosScenario, type ChaosReport } from './chaos/scenario';
import { clusterServer, devServer, type TemporalFactory } from './chaos/stack';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
function numberArg(name: string, fallback: number): number {
  const value = Number(arg(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const log = (m: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

async function main() {
  const fans = numberArg('fans', 5_000);
  const ceiling = numberArg('ceiling', 150);
  const seed = numberArg('seed', 1);
  const minutes = numberArg('minutes', 15);
  const scenario = arg('scenario', 'both');
  if (!['cluster', 'dev', 'both'].includes(scenario)) throw new Error('--scenario is cluster, dev or both');
  const scenarios: [string, TemporalFactory][] = [];
  if (scenario !== 'dev') scenarios.push(['cluster', clusterServer]);
  if (scenario !== 'cluster') scenarios.push(['dev', devServer]);

  const reports: ChaosReport[] = [];
  for (const [name, factory] of scenarios) {
    log(`scenario ${name}: ${fans} fans, Spotify ceiling ${ceiling} req/s, seed ${seed}, at most ${minutes} min`);
    reports.push(
      await runChaosScenario({
        name,
        temporal: factory,
        fans,
        ceilingRps: ceiling,
        seed,
        deadline: Date.now() + minutes * 60_000,
        log,
      }),
    );
  }
  for (const report of reports) printTable(report);
  const verdict = reports.every(
    (r) => r.lost === 0 && r.duplicateProviderWrites === 0 && r.acceptedNeverScheduled === 0,
  );
  console.log(JSON.stringify({ ok: verdict, scenarios: reports }));
}

function printTable(r: ChaosReport) {
  const rows: [string, unknown][] = [
    ['Temporal', r.temporal],
    ['fans pre-saving', r.fansTried],
    ['pre-saves accepted (expected)', r.expected],
    ['delivered', r.delivered],
    ['revoked (5 % revoked on purpose)', r.revoked],
    ['failed with a reason', r.failed],
    ['lost', r.lost],
    ['duplicate provider writes', r.duplicateProviderWrites],
    ['accepted but never scheduled', r.acceptedNeverScheduled],
    ['still open at the deadline', r.openAtDeadline],
    ['processes that died on their own', r.crashes.length ? r.crashes.join('; ') : 'none'],
    ['wave seconds', r.waveSeconds],
    ['history events per fan', r.historyEventsPerFan],
    [
      'simulator answers 5xx / 429 / lost',
      `${r.injected.serverErrors} / ${r.injected.rateLimited} / ${r.injected.lostAnswers}`,
    ],
  ];
  console.log(`\nchaos — scenario ${r.name}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(34)}${String(v)}`);
  console.log('  faults (time to recover = first delivery after the fault, seconds):');
  for (const f of r.faults)
    console.log(
      `    ${f.what.padEnd(44)}at ${String(f.atDelivered).padStart(5)} delivered   ${f.recoverySeconds ?? '—'} s`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
