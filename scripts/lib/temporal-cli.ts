// Finds the `temporal` CLI, or builds it with Go into a cache directory (DESIGN.md, "Tools on every machine"):
// TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cached build, then `go install` of the pinned version.
import { spawn } from 'node:child_process';
import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

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

function goInstall(gobin: string, extraEnv: Record<string, string>, log: (m: string) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('go', ['install', `${MODULE}@v${TEMPORAL_CLI_VERSION}`], {
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
    const progress = setInterval(() => log(`  still building temporal CLI (${tail.at(-1) ?? 'compiling'})`), 30_000);
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      clearInterval(progress);
      if (code !== 0) log(`go install failed:\n${tail.join('\n')}`);
      resolve(code === 0);
    });
  });
}

export async function resolveTemporalCli(log: (m: string) => void = console.log): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
  }
  const inPath = await onPath('temporal');
  if (inPath) return inPath;

  const gobin = cacheBinDir();
  const cached = path.join(gobin, 'temporal');
  // `go install` builds report version 0.0.0-DEV, so the build writes down what it built.
  const marker = `${cached}.version`;
  if ((await isExecutable(cached)) && (await readFile(marker, 'utf8').catch(() => '')).trim() === TEMPORAL_CLI_VERSION) {
    return cached;
  }

  if (!(await onPath('go'))) {
    throw new Error(
      'The Temporal CLI was not found: set TEMPORAL_CLI_PATH, put `temporal` on PATH, or install Go >= 1.25 so ' +
        `dropday can build it (go install ${MODULE}@v${TEMPORAL_CLI_VERSION}).`,
    );
  }
  await mkdir(gobin, { recursive: true });
  log(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${gobin} (first time only; takes minutes)…`);
  const started = Date.now();
  // If the checksum database cannot be reached, dependencies are still checked against the CLI's go.sum.
  const ok = (await goInstall(gobin, {}, log)) || (await goInstall(gobin, { GOSUMDB: 'off' }, log));
  if (!ok || !(await isExecutable(cached))) throw new Error('Could not build the Temporal CLI with go install');
  await writeFile(marker, TEMPORAL_CLI_VERSION);
  log(`Temporal CLI built in ${Math.round((Date.now() - started) / 1000)} s`);
  return cached;
}
