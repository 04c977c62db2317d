// Rate limits of the unauthenticated endpoints: one middleware, one policy table. A request whose method and path
// match a policy is counted against (policy, client IP) in PostgreSQL (db/request-rate-limits.ts), so every API
// process shares the counters; over the limit it gets 429 with Retry-After and the JSON error body. Requests that
// match no policy (the smart-link page itself, authenticated /v1 routes but the one that sends e-mail) cost
// nothing: no query.
import { isIPv6 } from 'node:net';
import { type RequestHandler } from 'express';
import { hitRateLimit, purgeRateLimits } from '../db/request-rate-limits';
import { type RateLimit, type RateLimitPolicy } from '../lib/config';
import { type AppDeps } from './deps';
import { errorBody } from './errors';

/** Which requests each policy counts. Limits come from configuration (RATE_LIMIT_DEFAULTS, RATE_LIMITS). */
export const RATE_LIMITED_ROUTES: readonly { policy: RateLimitPolicy; method: string; path: RegExp }[] = [
  { policy: 'signup', method: 'POST', path: /^\/(v1\/accounts|app\/sign-up)\/?$/ },
  { policy: 'login', method: 'POST', path: /^\/(app\/session|app\/sign-in(\/google(\/link|\/new)?)?|ops\/login)\/?$/ },
  // The artist app's mailed links (a password reset, an invitation, accepted with a password or with Google):
  // someone guessing tokens.
  { policy: 'login', method: 'POST', path: /^\/app\/(reset\/[^/]+|invite\/[^/]+(\/google)?)\/?$/ },
  { policy: 'verification', method: 'POST', path: /^\/app\/(reset|verification)\/?$/ },
  { policy: 'subscribe', method: 'POST', path: /^\/l\/[^/]+\/(subscribe|ad-consent)\/?$/ },
  // The confirmation (double opt-in) and unsubscribe links' POSTs: someone guessing tokens.
  { policy: 'subscribe', method: 'POST', path: /^\/(s|u|p)\/[^/]+\/?$/ },
  // A forever-save's stop link (its page reads the database too): someone guessing tokens.
  { policy: 'subscribe', method: 'POST', path: /^\/f\/[^/]+\/?$/ },
  { policy: 'subscribe', method: 'GET', path: /^\/f\/[^/]+\/?$/ },
  { policy: 'deletion', method: 'POST', path: /^\/privacy\/delete\/(email|confirm\/[^/]+)\/?$/ },
  { policy: 'deletion', method: 'GET', path: /^\/privacy\/delete\/spotify\/?$/ },
  { policy: 'deletion', method: 'POST', path: /^\/meta\/data-deletion\/?$/ },
  { policy: 'status', method: 'GET', path: /^\/privacy\/deletion\/[^/]+\/?$/ },
  { policy: 'presave', method: 'GET', path: /^\/l\/[^/]+\/presave\/[^/]+\/?$/ },
  // Each click is an event row: a script clicking in a loop is slowed like one pre-saving in a loop.
  { policy: 'outbound', method: 'GET', path: /^\/l\/[^/]+\/(go|listen)\/[^/]+\/?$/ },
  { policy: 'presave', method: 'POST', path: /^\/l\/[^/]+\/presave\/apple-music\/?$/ },
  { policy: 'presave', method: 'GET', path: /^\/apple-music\/developer-token\/?$/ },
  { policy: 'oauth', method: 'GET', path: /^\/oauth\/.+\/callback\/?$/ },
  { policy: 'checkout', method: 'POST', path: /^\/v1\/billing\/checkout\/?$/ },
  // The link's POST, and the resend (authenticated, but each one may send an e-mail).
  { policy: 'verification', method: 'POST', path: /^\/(account\/verify\/[^/]+|v1\/accounts\/me\/verification)\/?$/ },
  { policy: 'artwork', method: 'GET', path: /^\/artwork\/.+$/ },
  { policy: 'codec', method: 'POST', path: /^\/codec\/[^/]+\/?$/ },
  { policy: 'webhooks', method: 'POST', path: /^\/webhooks\/.+$/ },
  // Instagram's subscribe handshake: someone guessing the verify token.
  { policy: 'webhooks', method: 'GET', path: /^\/webhooks\/instagram\/?$/ },
];

/**
 * Counts one use of a costly action (a text message) against `policy` for `client` (an IP's key, or a keyed hash)
 * and says whether it is within the limit. For limits a route applies itself, beyond its request's own.
 */
export async function withinRateLimit(
  { pool, config }: Pick<AppDeps, 'pool' | 'config'>,
  policy: RateLimitPolicy,
  client: string,
): Promise<boolean> {
  const limits = config.RATE_LIMITS;
  if (limits === 'off') return true;
  const { limit, windowSeconds } = limits[policy];
  return (await hitRateLimit(pool, { policy, client, windowSeconds })).hits <= limit;
}

const PURGE_EVERY_MS = 60_000;

export function rateLimiter({ pool, config, logger }: Pick<AppDeps, 'pool' | 'config' | 'logger'>): RequestHandler {
  const limits = config.RATE_LIMITS;
  if (limits === 'off') return (_req, _res, next) => next();
  let lastPurge = 0;

  return (req, res, next) => {
    // Express matches routes case-insensitively and with a trailing slash: so does the table.
    const path = req.path.toLowerCase();
    const route = RATE_LIMITED_ROUTES.find((r) => r.method === req.method && r.path.test(path));
    if (!route) return next();
    const policy: RateLimit = limits[route.policy];
    const client = clientKey(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    hitRateLimit(pool, { policy: route.policy, client, windowSeconds: policy.windowSeconds }).then(
      ({ hits, resetInMs }) => {
        const retryAfter = Math.max(1, Math.ceil(resetInMs / 1000));
        res.setHeader('RateLimit-Policy', `${policy.limit};w=${policy.windowSeconds}`);
        res.setHeader(
          'RateLimit',
          `limit=${policy.limit}, remaining=${Math.max(0, policy.limit - hits)}, reset=${retryAfter}`,
        );
        if (hits > policy.limit) {
          res.setHeader('Retry-After', String(retryAfter));
          res.status(429).json(
            errorBody('rate_limited', `too many requests; try again in ${retryAfter} s`, {
              policy: route.policy,
              limit: policy.limit,
              windowSeconds: policy.windowSeconds,
              retryAfterSeconds: retryAfter,
            }),
          );
          return;
        }
        if (Date.now() - lastPurge > PURGE_EVERY_MS) {
          lastPurge = Date.now();
          const longest = Math.max(...Object.values(limits).map((l) => l.windowSeconds));
          purgeRateLimits(pool, longest).catch((error: unknown) =>
            logger.warn({ err: error }, 'could not purge old rate-limit counters'),
          );
        }
        next();
      },
      // Fail open: a counter that cannot be written must not take the endpoint down with it.
      (error: unknown) => {
        logger.warn({ err: error, policy: route.policy }, 'rate limit not checked: the counter could not be written');
        next();
      },
    );
  };
}

/** The client a limit counts: its IPv4 address, or the /64 network of an IPv6 address (one host holds a /64). */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = ip.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = ip.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : ip.split(':');
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}
