// The Temporal server and its SQL schema tool, built with Go like the CLI (scripts/lib/go-tool.ts) and cached as
// `temporal-server` and `temporal-sql-tool` (`go install` calls them `server` and `sql`, names too generic to look
// up on PATH). The schema files come from the same module version in the Go module cache.
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type GoTool, resolveGoTool } from './go-tool';
import { resolveTemporalCli } from './temporal-cli';

/** v1.30.4's go.mod asks for Go 1.25.8 and has no replace directive; v1.31+ needs a newer Go than ours. */
export const TEMPORAL_SERVER_VERSION = '1.30.4';
const MODULE = 'go.temporal.io/server';

const tool = (fields: Pick<GoTool, 'label' | 'binary' | 'cachedName' | 'module' | 'pathVariable'>): GoTool => ({
  ...fields,
  version: TEMPORAL_SERVER_VERSION,
  needsGo: '1.25.8',
});
const SERVER = tool({
  label: 'the Temporal server',
  binary: 'server',
  cachedName: 'temporal-server',
  module: `${MODULE}/cmd/server`,
  pathVariable: 'TEMPORAL_SERVER_PATH',
});
const SQL_TOOL = tool({
  label: 'the Temporal SQL schema tool',
  binary: 'sql',
  cachedName: 'temporal-sql-tool',
  module: `${MODULE}/cmd/tools/sql`,
  pathVariable: 'TEMPORAL_SQL_TOOL_PATH',
});

/**
 * The Web UI server for a cluster (the dev server has its own): the version the pinned CLI embeds, so the UI an
 * operator sees is the same in both modes. Its go.mod has no replace directive.
 */
export const TEMPORAL_UI_SERVER_VERSION = '2.42.1';
const UI_SERVER: GoTool = {
  label: 'the Temporal Web UI server',
  binary: 'server',
  cachedName: 'temporal-ui-server',
  module: 'github.com/temporalio/ui-server/v2/cmd/server',
  version: TEMPORAL_UI_SERVER_VERSION,
  pathVariable: 'TEMPORAL_UI_SERVER_PATH',
  needsGo: '1.24',
};

export const resolveTemporalUiServer = (log: (m: string) => void = console.log) => resolveGoTool(UI_SERVER, log);
export const resolveTemporalServer = (log: (m: string) => void = console.log) => resolveGoTool(SERVER, log);
export const resolveTemporalSqlTool = (log: (m: string) => void = console.log) => resolveGoTool(SQL_TOOL, log);

/**
 * The server's PostgreSQL schema directory (`…/schema/postgresql/v12`, holding `temporal/versioned` and
 * `visibility/versioned`): TEMPORAL_SCHEMA_DIR, else the module's source in the Go module cache, downloaded if the
 * cache lacks it (`go mod download -json` prints where it is).
 */
export async function resolveTemporalSchemaDir(): Promise<string> {
  const fromEnv = process.env.TEMPORAL_SCHEMA_DIR;
  const dir =
    fromEnv ||
    path.join(
      JSON.parse(
        (
          await promisify(execFile)('go', ['mod', 'download', '-json', `${MODULE}@v${TEMPORAL_SERVER_VERSION}`], {
            maxBuffer: 1 << 20,
          })
        ).stdout,
      ).Dir as string,
      'schema',
      'postgresql',
      'v12',
    );
  await access(path.join(dir, 'temporal', 'versioned')).catch(() => {
    throw new Error(`no Temporal PostgreSQL schema in ${dir}${fromEnv ? ' (TEMPORAL_SCHEMA_DIR)' : ''}`);
  });
  return dir;
}

export interface TemporalClusterTools {
  bins: { server: string; sqlTool: string; cli: string };
  schemaDir: string;
}

/** Everything a cluster needs, built one after the other (two Go builds at once only fight for the cores). */
export async function resolveTemporalClusterTools(
  log: (m: string) => void = console.log,
): Promise<TemporalClusterTools> {
  const server = await resolveTemporalServer(log);
  const sqlTool = await resolveTemporalSqlTool(log);
  const cli = await resolveTemporalCli(log);
  return { bins: { server, sqlTool, cli }, schemaDir: await resolveTemporalSchemaDir() };
}
