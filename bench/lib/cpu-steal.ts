// How much of the machine's CPU time the hypervisor took for others while a measure ran (/proc/stat's steal), so a
// figure taken on a shared host says how shared it was. null where /proc/stat is not there.
import { readFileSync } from 'node:fs';

function cpuTimes(): number[] | null {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return null;
  }
}

/** Runs `measure`; resolves to its result and the percentage of all CPU time stolen meanwhile. */
export async function withSteal<T>(measure: () => Promise<T>): Promise<{ result: T; stealPercent: number | null }> {
  const before = cpuTimes();
  const result = await measure();
  const after = cpuTimes();
  if (!before || !after || after.length < 8) return { result, stealPercent: null };
  const delta = after.map((v, i) => v - (before[i] ?? 0));
  const total = delta.reduce((a, b) => a + b, 0);
  return { result, stealPercent: total > 0 ? Math.round((delta[7]! / total) * 1000) / 10 : null };
}
