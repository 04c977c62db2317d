// A resource every test of a file shares (a release stack, a browser): started in beforeAll, stopped in afterAll.

/**
 * What it returns reads the running resource, so the file's tests and helpers use it as the resource itself (a
 * `let` assigned in beforeAll would be repeated in every file). Jest runs afterAll hooks in the order they are
 * declared: what must stop before this resource (a spawned worker) is declared before the call.
 */
export function usePerFile<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (running: T) => Promise<void>,
  startTimeoutMs?: number,
): T {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  }, startTimeoutMs);
  afterAll(async () => {
    if (running) await stop(running);
  });
  return lazyProxy(() => {
    if (!running) throw new Error(`${what} is used before its beforeAll ran`);
    return running;
  });
}

/** An object that reads `current()` at every property access; its methods come bound to it (Playwright's need it). */
export function lazyProxy<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
