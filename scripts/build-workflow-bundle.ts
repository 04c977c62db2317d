// Prebuilds the workflow bundle (dist/workflow-bundle.js, or WORKFLOW_BUNDLE_PATH) for images: the worker then
// starts without webpack when WORKFLOW_BUNDLE_PATH names it. The bundler's
// @temporalio/worker version must equal the runtime's: both come from this package-lock.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');

export async function buildWorkflowBundle(
  file = process.env.WORKFLOW_BUNDLE_PATH || DEFAULT_BUNDLE_PATH,
): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: require.resolve('../lib/temporal/failure-converter'),
    logger: {
      log: () => {},
      trace: () => {},
      debug: () => {},
      info: () => {},
      warn: console.warn,
      error: console.error,
    },
  });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, code);
  return file;
}

if (require.main === module) {
  buildWorkflowBundle().then(
    (file) => console.log(`workflow bundle written to ${file}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
