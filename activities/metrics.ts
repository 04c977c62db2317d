// dropday's own worker metrics, recorded through the Temporal SDK's metric meter so they are exported next to the
// SDK's runtime metrics on the worker's Prometheus endpoint (WORKER_METRICS_ADDRESS). Outside an activity there is
// no meter, and nothing is recorded. Provider calls are counted by the provider layer's hook (workers/).
import { Context } from '@temporalio/activity';
import { type MetricMeter } from '@temporalio/common';

function meter(): MetricMeter | null {
  try {
    return Context.current().metricMeter;
  } catch {
    return null;
  }
}

/** A pre-save settled: done, failed, revoked, or given back, with its reason. */
export function countPresave(outcome: string, reason: string | undefined): void {
  meter()
    ?.createCounter('dropday_presaves', 'presaves', 'Pre-saves settled, by outcome and reason')
    .add(1, { outcome, reason: reason ?? 'none' });
}

/** Seconds from a pre-save's due instant to its delivery: wave lateness. */
export function recordLateness(seconds: number): void {
  meter()
    ?.createHistogram('dropday_presave_lateness', 'float', 's', 'Delivery after the due instant')
    .record(Math.max(0, seconds));
}
