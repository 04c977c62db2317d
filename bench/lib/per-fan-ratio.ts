// The batched engine against the one-workflow-per-fan design, figure by figure: batched ÷ per-fan. Above 1 is better
// for a rate (deliveries/s), below 1 better for a cost (CPU per delivery, history events per fan, memory). The
// per-fan run is smaller (it cannot finish at 100k here), so only per-fan and per-second figures are compared.
const COMPARED = [
  'deliveriesPerSecond',
  'ratioToCeiling',
  'workerCpuMsPerDelivery',
  'historyEventsPerFan',
  'peakWorkerRssMiB',
] as const;

export function perFanRatio(
  batch: Record<string, unknown>,
  perFan: Record<string, unknown> | null,
): Record<string, number | null> | null {
  if (!perFan) return null;
  const ratio: Record<string, number | null> = {};
  for (const key of COMPARED) {
    const a = batch[key];
    const b = perFan[key];
    ratio[key] = typeof a === 'number' && typeof b === 'number' && b > 0 ? Math.round((a / b) * 100) / 100 : null;
  }
  return ratio;
}

export function printPerFanRatio(ratio: Record<string, number | null> | null, perFanFans: number): void {
  if (!ratio) return;
  console.log(`batched ÷ one-workflow-per-fan (${perFanFans} fans): ${JSON.stringify(ratio)}`);
}
