// A Go tool dropday needs (the Temporal CLI, stripe-mock, the Temporal server and its SQL tool), found or built the
// same way everywhere (DESIGN.md, "Tools on every machine"): an explicit path from the environment, then the binary
// on PATH, then a cached build of the pinned version, then `go install` of that version into the cache.
import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface GoTool {
  /** what the messages call it, e.g. "the Temporal CLI" */
  label: string;
  /** the name `go install` gives the binary: the last element of the module path */
  binary: string;
  /**
   * The name it is cached under when `binary` is too generic to mean this tool (`server`, `sql`): such a tool is
   * never looked up on PATH, only through `pathVariable` and the cache.
   */
  cachedName?: string;
  module: string;
  version: string;
  /** the environment variable naming an existing binary, e.g. TEMPORAL_CLI_PATH */
  pathVariable: string;
  /** the Go version the build needs, for the error message */
  needsGo?: string;
}

export function cacheBinDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'dropday', 'bin');
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

function goInstall(
  tool: GoTool,
  gobin: string,
  extraEnv: Record<string, string>,
  log: (m: string) => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['install', `${tool.module}@v${tool.version}`], {
      env: { ...process.env, GOBIN: gobin, GOFLAGS: '-mod=mod', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const progress = setInterval(() => log(`  still building ${tool.label} (${tail.at(-1) ?? 'compiling'})`), 30_000);
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      clearInterval(progress);
      if (code !== 0) log(`go install failed:\n${tail.join('\n')}`);
      resolve(code === 0);
    });
  });
}

export async function resolveGoTool(tool: GoTool, log: (m: string) => void = console.log): Promise<string> {
  const fromEnv = process.env[tool.pathVariable];
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`${tool.pathVariable}=${fromEnv} is not an executable file`);
  }
  if (!tool.cachedName) {
    const inPath = await onPath(tool.binary);
    if (inPath) return inPath;
  }

  const gobin = cacheBinDir();
  const cached = path.join(gobin, tool.cachedName ?? tool.binary);
  // Source builds report a development version, so the build writes down what it built.
  const marker = `${cached}.version`;
  if ((await isExecutable(cached)) && (await readFile(marker, 'utf8').catch(() => '')).trim() === tool.version)
    return cached;

  if (!(await onPath('go'))) {
    throw new Error(
      `${tool.label} was not found: set ${tool.pathVariable}${tool.cachedName ? '' : `, put \`${tool.binary}\` on PATH`}, or install Go` +
        `${tool.needsGo ? ` >= ${tool.needsGo}` : ''} so dropday can build it (go install ${tool.module}@v${tool.version}).`,
    );
  }
  await mkdir(gobin, { recursive: true });
  // One build per tool at a time: parallel test runs or helpers starting together wait for the first one's build.
  const lock = `${cached}.lock`;
  while (!(await takeLock(lock))) {
    if ((await isExecutable(cached)) && (await readFile(marker, 'utf8').catch(() => '')).trim() === tool.version)
      return cached;
    log(`  waiting for another process building ${tool.label} (${lock})`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  try {
    if ((await isExecutable(cached)) && (await readFile(marker, 'utf8').catch(() => '')).trim() === tool.version)
      return cached;
    log(`Building ${tool.label} v${tool.version} with Go into ${gobin} (first time only; takes minutes)…`);
    const started = Date.now();
    // Built into a directory of its own, then moved into place under its cached name: a generic name (`server`)
    // never lands in the cache, and a process that finds the cached file finds a whole one.
    const buildDir = await mkdtemp(path.join(gobin, `.build-${tool.cachedName ?? tool.binary}-`));
    try {
      // If the checksum database cannot be reached, dependencies are still checked against the module's go.sum.
      const ok =
        (await goInstall(tool, buildDir, {}, log)) || (await goInstall(tool, buildDir, { GOSUMDB: 'off' }, log));
      const built = path.join(buildDir, tool.binary);
      if (!ok || !(await isExecutable(built))) throw new Error(`Could not build ${tool.label} with go install`);
      await rename(built, cached);
    } finally {
      await rm(buildDir, { recursive: true, force: true });
    }
    await writeFile(marker, tool.version);
    log(`${tool.label} built in ${Math.round((Date.now() - started) / 1000)} s`);
    return cached;
  } finally {
    await rm(lock, { force: true });
  }
}

/** A lock file holding the builder's pid; a lock whose process is gone (killed mid-build) is taken over. */
async function takeLock(lock: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      const holder = (await readFile(lock, 'utf8').catch(() => '')).trim();
      const age = Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? 0);
      // An empty lock is one being written this instant; a dead holder's lock is stale.
      if ((holder === '' && age < 10_000) || (holder !== '' && isAlive(Number(holder)))) return false;
      await rm(lock, { force: true });
    }
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
