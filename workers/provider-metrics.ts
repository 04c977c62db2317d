// The worker's provider-call hook: records into the Temporal runtime's metric meter, which the worker exports on
// its Prometheus endpoint (WORKER_METRICS_ADDRESS) next to the SDK's own metrics. The meter is the runtime's, not
// the activity's, so a call counts wherever it is made in the worker process.
import { type MetricCounter, type MetricHistogram } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { type OnProviderCall } from '../lib/providers';

export function workerProviderMetrics(): OnProviderCall {
  let metrics: { calls: MetricCounter; duration: MetricHistogram } | undefined;
  return ({ provider, operation, outcome, status, durationMs }) => {
    // Looked up at the first call: main.ts installs the runtime (with its exporter) before any call is made.
    metrics ??= {
      calls: Runtime.instance().metricMeter.createCounter(
        'dropday_provider_calls',
        'calls',
        'Provider HTTP calls by provider, operation, outcome and HTTP status',
      ),
      duration: Runtime.instance().metricMeter.createHistogram(
        'dropday_provider_call_duration',
        'float',
        's',
        'Provider call latency by provider, operation and outcome',
      ),
    };
    metrics.calls.add(1, { provider, operation, outcome, status: String(status ?? 'none') });
    metrics.duration.record(durationMs / 1000, { provider, operation, outcome });
  };
}
