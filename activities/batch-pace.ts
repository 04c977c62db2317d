// How many deliveries one batch activity runs at once, and how many rows it claims at a time (activities/claim-feed.ts).
// Deliveries beyond what the providers' rate can take only queue in the rate limiter, each holding a claimed row:
// a delivery started for a zone whose instant has just come would wait behind all of them. Too few, and the
// ceiling is not reached: by Little's law the rate is the deliveries in flight over each one's latency, which on a
// loaded machine is a second or more (docs/performance.md: half a second's worth held a 10,000-fan run to 0.38 of
// the ceiling). So a worker keeps about 1.5 s of the configured rate in flight across its batches (never fewer than
// 2 lanes a batch, never more than RELEASE_BATCH_LANES), and claims a few lanes' worth at a time.
import { type Config } from '../lib/config';

/** Seconds of the providers' configured rate a worker keeps in flight. */
const IN_FLIGHT_SECONDS = 1.5;

export interface BatchPace {
  /** deliveries at once in one batch */
  lanes: number;
  /** rows claimed at a time */
  chunk: number;
  /** the next chunk is claimed once fewer rows than this wait */
  lowWater: number;
}

export function batchPaceOf(
  config: Pick<Config, 'SPOTIFY_MAX_RPS' | 'APPLE_MUSIC_MAX_RPS' | 'RELEASE_PARALLEL_BATCHES' | 'RELEASE_BATCH_LANES'>,
  opts: { batchSize: number; appleMusic: boolean },
): BatchPace {
  const rate = config.SPOTIFY_MAX_RPS + (opts.appleMusic ? config.APPLE_MUSIC_MAX_RPS : 0);
  const wanted = Math.ceil((rate * IN_FLIGHT_SECONDS) / config.RELEASE_PARALLEL_BATCHES);
  const lanes = Math.min(config.RELEASE_BATCH_LANES, Math.max(2, wanted));
  return { lanes, chunk: Math.max(1, Math.min(opts.batchSize, Math.max(16, lanes * 4))), lowWater: lanes };
}
