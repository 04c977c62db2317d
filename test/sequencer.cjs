// Test files that need the Temporal cluster (its server, SQL tool and Web UI, built with Go on a fresh machine while
// the rest of the run goes on: test/global-setup.ts) run last, so the build overlaps with every other file.
const Sequencer = require('@jest/test-sequencer').default;

const NEEDS_CLUSTER = /[\\/](cluster|dev-stack)\.test\.ts$/;

class ClusterLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((t) => !NEEDS_CLUSTER.test(t.path)), ...sorted.filter((t) => NEEDS_CLUSTER.test(t.path))];
  }
}

module.exports = ClusterLastSequencer;
module.exports.NEEDS_CLUSTER = NEEDS_CLUSTER;
