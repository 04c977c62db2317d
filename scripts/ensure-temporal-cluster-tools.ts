// `npm run temporal:cluster-tools`: resolves (or builds) what TEMPORAL_MODE=cluster needs — the Temporal server, its
// SQL schema tool, the CLI and the Web UI server — and prints where they are.
import { resolveTemporalClusterTools, resolveTemporalUiServer } from './lib/temporal-server';

const log = (m: string) => console.error(m);
(async () => {
  const tools = await resolveTemporalClusterTools(log);
  const ui = await resolveTemporalUiServer(log);
  console.log({ ...tools.bins, ui, schemaDir: tools.schemaDir });
})().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
