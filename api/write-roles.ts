// Who may change what, in one table. Every route that changes something (POST, PUT, PATCH, DELETE) under /v1 and
// /app names the least an app member needs to call it:
//   manager     artists, campaigns, ad copy and ad campaigns, connections, links, tracking: the release work
//   owner       billing, the account itself (its deletion, its verification mail), API keys, members
//   self        a member about their own sign-in (sign out everywhere): any member, a viewer too
//   ops         an ops key's routes: never a member session
//   signed-out  sign-up, sign-in and the links mailed to people: they act for nobody yet
// A viewer never writes. Deny by default: a member session's write to a route missing here is refused (403), and
// test/security/write-roles.test.ts, which walks every registered write route, fails until the route is added.
// An API key is the account's own (an owner's tool) and is not bound by this table.
import { type MemberRole } from '../db/members';

export type WriteAccess = 'manager' | 'owner' | 'self' | 'ops' | 'signed-out';

/** `METHOD path` as Express registers it (`:name` for a path parameter). Keep it sorted by path. */
export const WRITE_ACCESS: Readonly<Record<string, WriteAccess>> = {
  'POST /app/campaigns/:id/artwork': 'manager',
  'POST /app/connect/:token': 'manager',
  'POST /app/connections/:id/disconnect': 'manager',
  'POST /app/connections/:provider': 'manager',
  'POST /app/campaigns/:id/plan': 'manager',
  'POST /app/campaigns/:id/plan/items/:itemId': 'manager',
  'POST /app/campaigns/:id/plan/accept': 'manager',
  'POST /app/sign-in/google': 'signed-out',
  'POST /app/sign-in/google/link': 'signed-out',
  'POST /app/sign-in/google/new': 'signed-out',
  'POST /app/invite/:token': 'signed-out',
  'POST /app/invite/:token/google': 'signed-out',
  'POST /app/keys': 'owner',
  'POST /app/keys/:id/revoke': 'owner',
  'POST /app/logout': 'signed-out',
  'POST /app/members': 'owner',
  'POST /app/members/:id': 'owner',
  'POST /app/reset': 'signed-out',
  'POST /app/reset/:token': 'signed-out',
  'POST /app/session': 'signed-out',
  'POST /app/sign-in': 'signed-out',
  'POST /app/sign-out-everywhere': 'self',
  'POST /app/sign-up': 'signed-out',
  'POST /app/verification': 'owner',
  'POST /v1/accounts': 'signed-out',
  'DELETE /v1/accounts/me': 'owner',
  'POST /v1/accounts/me/verification': 'owner',
  'POST /v1/artists': 'manager',
  'PATCH /v1/artists/:id': 'manager',
  'PUT /v1/artists/:id/google-conversion': 'manager',
  'DELETE /v1/artists/:id/google-conversion': 'manager',
  'PUT /v1/artists/:id/meta-pixel': 'manager',
  'DELETE /v1/artists/:id/meta-pixel': 'manager',
  'POST /v1/billing/checkout': 'owner',
  'POST /v1/billing/portal': 'owner',
  'POST /v1/campaigns': 'manager',
  'PATCH /v1/campaigns/:id': 'manager',
  'POST /v1/campaigns/:id/ads': 'manager',
  'POST /v1/campaigns/:id/ads/:adId/cancel': 'manager',
  'POST /v1/campaigns/:id/ads/copy': 'manager',
  'POST /v1/campaigns/:id/ads/copy/:requestId/approve': 'manager',
  'POST /v1/campaigns/:id/ads/copy/:requestId/reject': 'manager',
  'PATCH /v1/campaigns/:id/ads/copy/:requestId/variants/:variantId': 'manager',
  'POST /v1/campaigns/:id/attribution/backfill': 'manager',
  'POST /v1/campaigns/:id/attribution/pause': 'manager',
  'POST /v1/campaigns/:id/attribution/resume': 'manager',
  'POST /v1/campaigns/:id/cancel': 'manager',
  'POST /v1/campaigns/:id/instagram-posts': 'manager',
  'POST /v1/campaigns/:id/plan': 'manager',
  'PATCH /v1/campaigns/:id/plan': 'manager',
  'POST /v1/campaigns/:id/plan/accept': 'manager',
  'PUT /v1/campaigns/:id/artwork': 'manager',
  'PUT /v1/campaigns/:id/links': 'manager',
  'PUT /v1/campaigns/:id/values': 'manager',
  'POST /v1/connections/:provider': 'manager',
  'DELETE /v1/connections/:id': 'manager',
  'POST /v1/instagram-posts/:id/cancel': 'manager',
  'POST /v1/instagram-posts/:id/caption-drafts': 'manager',
  'POST /v1/instagram-posts/:id/caption-drafts/approve': 'manager',
  'POST /v1/instagram-posts/:id/caption-drafts/edit': 'manager',
  'POST /v1/instagram-posts/:id/caption-drafts/reject': 'manager',
  'POST /v1/instagram/inbox/:id/hide': 'manager',
  'POST /v1/instagram/inbox/:id/message': 'manager',
  'POST /v1/instagram/inbox/:id/private-reply': 'manager',
  'POST /v1/instagram/inbox/:id/reply': 'manager',
  'POST /v1/ops/campaigns/:id/retry-failed': 'ops',
  'POST /v1/ops/key-rotations': 'ops',
  'POST /v1/ops/workflows/:workflowId/cancel': 'ops',
  'POST /v1/ops/workflows/:workflowId/reset': 'ops',
  'POST /v1/ops/workflows/:workflowId/signal': 'ops',
  'POST /v1/ops/workflows/:workflowId/terminate': 'ops',
};

/** Each entry as a matcher of a request's method and path (a parameter is one path segment). */
const MATCHERS = Object.entries(WRITE_ACCESS).map(([route, access]) => {
  const [method, pattern] = route.split(' ') as [string, string];
  const source = pattern
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, path: new RegExp(`^${source}/?$`), access };
});

/** What the route of this request needs; undefined for a route nobody declared (refused to members). */
export function writeAccessOf(method: string, path: string): WriteAccess | undefined {
  const exact = WRITE_ACCESS[`${method} ${path}`];
  if (exact) return exact;
  return MATCHERS.find((m) => m.method === method && m.path.test(path))?.access;
}

const RANK: Record<MemberRole, number> = { viewer: 0, manager: 1, owner: 2 };

/** Whether a member with `role` may call a route that needs `access` (undefined: nobody declared it, so no). */
export function memberMayWrite(role: MemberRole, access: WriteAccess | undefined): boolean {
  switch (access) {
    case 'signed-out':
    case 'self':
      return true;
    case 'manager':
      return RANK[role] >= RANK.manager;
    case 'owner':
      return role === 'owner';
    default:
      return false;
  }
}

/** Why a member's write was refused, in words for the person. */
export function refusalOf(role: MemberRole, access: WriteAccess | undefined): string {
  if (access === undefined || access === 'ops') return 'this change cannot be made from the app';
  if (role === 'viewer') return 'viewers can see this account but not change it; ask an owner for the manager role';
  return 'only an owner of the account can do this (billing, the account itself, API keys and members)';
}
