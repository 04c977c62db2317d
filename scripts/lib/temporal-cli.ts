// Finds the `temporal` CLI, or builds it with Go into a cache directory (DESIGN.md, "Tools on every machine"):
// TEMPORAL_CLI_PATH, then `temporal` on PATH, then the cached build, then `go install` of the pinned version.
import { resolveGoTool } from './go-tool';

export const TEMPORAL_CLI_VERSION = '1.5.1';

export function resolveTemporalCli(log: (m: string) => void = console.log): Promise<string> {
  return resolveGoTool(
    {
      label: 'the Temporal CLI',
      binary: 'temporal',
      module: 'github.com/temporalio/cli/cmd/temporal',
      version: TEMPORAL_CLI_VERSION,
      pathVariable: 'TEMPORAL_CLI_PATH',
      needsGo: '1.25',
    },
    log,
  );
}
