// `npm run stripe-mock`: resolves (or builds) stripe-mock and prints its path.
import { resolveStripeMock } from './lib/stripe-mock';

resolveStripeMock((m) => console.error(m)).then(
  (bin) => console.log(bin),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
