#!/usr/bin/env bash
# `npm test`: the static checks, then every jest file. On a machine with nothing cached the Temporal CLI's Go build
# (about 7 minutes on 2 cores) is what every test waits for, so it starts first, in the background, and overlaps the
# Chromium install and the checks; jest's global setup then finds the CLI cached, or waits for this build on the
# build lock (scripts/lib/go-tool.ts). With the CLI cached it only prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
cli_log="${TMPDIR:-/tmp}/dropday-temporal-cli-$$.log"
npx tsx scripts/ensure-temporal-cli.ts > "$cli_log" 2>&1 &
bash scripts/ensure-chromium.sh
npm run typecheck
npm run lint
npm run format:check
npm run test:jest
