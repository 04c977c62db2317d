// Headless Debian Chromium for the browser tests (installed by scripts/ensure-chromium.sh). Background networking is
// off: this machine's closed network refuses it, and a test must never depend on Google's hosts.
import { chromium, type Browser } from 'playwright-core';
import { usePerFile } from './per-file';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** One Chromium for every test of a file. */
export function useChromium(): Browser {
  return usePerFile('Chromium', launchChromium, (browser) => browser.close());
}
