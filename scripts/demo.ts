// `npm run demo -- [--in SECONDS]`: schedules a fresh demo release on a running `npm run dev` stack.
import path from 'node:path';
import { describeDemo, seedDemoCampaign } from './lib/demo';

async function main() {
  const i = process.argv.indexOf('--in');
  const inSeconds = i >= 0 ? Number(process.argv[i + 1]) : 120;
  if (!Number.isFinite(inSeconds) || inSeconds < 0) throw new Error('--in takes a number of seconds');
  const demo = await seedDemoCampaign({
    apiUrl: process.env.PUBLIC_URL || `http://127.0.0.1:${process.env.PORT || 3000}`,
    simulatorUrl: `http://127.0.0.1:${process.env.SPOTIFY_SIMULATOR_PORT || 4010}`,
    // Its Spotify and Apple Music fans; the reminder fan is `npm run dev`'s own (it reads the sandbox mailbox).
    appleMusicUrl: `http://127.0.0.1:${process.env.APPLE_MUSIC_SIMULATOR_PORT || 4014}`,
    temporalUiUrl: process.env.TEMPORAL_UI_URL || 'http://127.0.0.1:8233',
    dataDir: path.resolve(__dirname, '..', process.env.DATA_DIR || '.data'),
    inSeconds,
  });
  console.log(describeDemo(demo));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
