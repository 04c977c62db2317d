export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __dropdayStops?: (() => Promise<void>)[] }).__dropdayStops ?? [];
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
