// The machine's 1-minute load average over a stretch of a benchmark, lowest and highest seen: printed beside every
// figure, because on a shared machine a rate says as much about the others' load as about the code.
import os from 'node:os';

export interface LoadRange {
  min: number;
  max: number;
}

/** Samples every `everyMs` until stopped; `stop()` returns the range seen (the first sample is taken at once). */
export function sampleLoadAverage(everyMs = 5_000): { stop(): LoadRange } {
  const seen: number[] = [os.loadavg()[0]];
  const timer = setInterval(() => seen.push(os.loadavg()[0]), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      seen.push(os.loadavg()[0]);
      const round = (n: number) => Math.round(n * 10) / 10;
      return { min: round(Math.min(...seen)), max: round(Math.max(...seen)) };
    },
  };
}

export const formatLoad = (load: LoadRange | null | undefined) =>
  !load ? '-' : load.min === load.max ? String(load.min) : `${load.min}–${load.max}`;
