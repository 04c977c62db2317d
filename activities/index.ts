// All activities, built from injected dependencies (pool, key ring, provider clients).
import { createAccountActivities } from './accounts';
import { type ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAccountActivities(deps),
  };
}

export type { ActivityDeps };
