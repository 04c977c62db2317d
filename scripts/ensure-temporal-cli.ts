// `npm run temporal:cli`: resolves (or builds) the Temporal CLI and prints its path.
import { resolveTemporalCli } from './lib/temporal-cli';

resolveTemporalCli((m) => console.error(m)).then(
  (bin) => console.log(bin),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
