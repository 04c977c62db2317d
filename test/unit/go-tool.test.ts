// The Go tool resolver: a tool with a cached name of its own (the Temporal server, `go install`'s `server`) is
// never taken from PATH under its generic name; a tool without one still is.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cacheBinDir, type GoTool, resolveGoTool } from '../../scripts/lib/go-tool';

const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
let dir: string;
let pathDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dropday-go-tool-'));
  pathDir = path.join(dir, 'path');
  await mkdir(pathDir);
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache');
  await mkdir(cacheBinDir(), { recursive: true });
  // Only our PATH entry: no `go` on it, so nothing is ever built here.
  process.env.PATH = pathDir;
});

afterEach(async () => {
  process.env.PATH = saved.PATH;
  if (saved.XDG_CACHE_HOME === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
  await rm(dir, { recursive: true, force: true });
});

async function executable(file: string): Promise<void> {
  await writeFile(file, '#!/bin/sh\n');
  await chmod(file, 0o755);
}

const server: GoTool = {
  label: 'the Temporal server',
  binary: 'server',
  cachedName: 'temporal-server',
  module: 'go.temporal.io/server/cmd/server',
  version: '1.30.4',
  pathVariable: 'DROPDAY_TEST_NO_SUCH_VARIABLE',
};

describe('resolveGoTool', () => {
  it('finds a tool with a cached name in the cache, not a same-named binary on PATH', async () => {
    await executable(path.join(pathDir, 'server'));
    const cached = path.join(cacheBinDir(), 'temporal-server');
    await executable(cached);
    await writeFile(`${cached}.version`, '1.30.4');
    await expect(resolveGoTool(server, () => undefined)).resolves.toBe(cached);
  });

  it('does not take some `server` on PATH when nothing is cached, and says what to set', async () => {
    await executable(path.join(pathDir, 'server'));
    await expect(resolveGoTool(server, () => undefined)).rejects.toThrow(
      /the Temporal server was not found: set DROPDAY_TEST_NO_SUCH_VARIABLE, or install Go/,
    );
  });

  it('still takes a tool without a cached name from PATH', async () => {
    const onPath = path.join(pathDir, 'stripe-mock');
    await executable(onPath);
    const stripeMock = { ...server, binary: 'stripe-mock', cachedName: undefined };
    await expect(resolveGoTool(stripeMock, () => undefined)).resolves.toBe(onPath);
  });
});
