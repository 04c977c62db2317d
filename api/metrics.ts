import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { type OnProviderCall } from '../lib/providers';

/** A registry per app, so that several apps in one process (tests) do not collide. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The API's provider-call hook: every call its provider clients make (sign-in, connections, conversions), counted
 * by provider, operation, outcome and HTTP status, with a latency histogram, in the API's own /metrics.
 */
export function providerCallMetrics(registry: Registry): OnProviderCall {
  // Once per registry: a second hook on the same registry shares its series.
  const calls =
    (registry.getSingleMetric('dropday_provider_calls_total') as Counter | undefined) ??
    new Counter({
      name: 'dropday_provider_calls_total',
      help: 'Provider HTTP calls by provider, operation, outcome and HTTP status',
      labelNames: ['provider', 'operation', 'outcome', 'status'],
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('dropday_provider_call_duration_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'dropday_provider_call_duration_seconds',
      help: 'Provider call latency by provider, operation and outcome',
      labelNames: ['provider', 'operation', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  return ({ provider, operation, outcome, status, durationMs }) => {
    calls.inc({ provider, operation, outcome, status: String(status ?? 'none') });
    duration.observe({ provider, operation, outcome }, durationMs / 1000);
  };
}
