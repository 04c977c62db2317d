// Configuration: every setting comes from the environment and is validated once, at start-up, with a message
// that names the variable at fault. DESIGN.md lists the names; .env.example documents them.
import { z } from 'zod';

const url = z.string().url();
const port = z.coerce.number().int().min(0).max(65535);
const optionalSecret = z.string().min(1).optional();

/**
 * The rate limits of the unauthenticated endpoints (api/rate-limit.ts), per client IP and policy: requests per
 * window of seconds. RATE_LIMITS overrides some (`signup=5/3600,login=20/600`) or turns them all `off`.
 */
export const RATE_LIMIT_DEFAULTS = {
  signup: { limit: 10, windowSeconds: 3600 }, // POST /v1/accounts
  login: { limit: 10, windowSeconds: 600 }, // POST /app/session, /ops/login
  subscribe: { limit: 20, windowSeconds: 600 }, // POST /l/:slug/subscribe, /l/:slug/ad-consent, /u/:token
  deletion: { limit: 10, windowSeconds: 3600 }, // /privacy/delete/email, /confirm/:token, /spotify, /meta/data-deletion
  status: { limit: 60, windowSeconds: 600 }, // GET /privacy/deletion/:id (no guessing confirmation codes)
  presave: { limit: 30, windowSeconds: 600 }, // GET /l/:slug/presave/*, POST …/apple-music, GET /apple-music/developer-token
  outbound: { limit: 120, windowSeconds: 600 }, // GET /l/:slug/go/*, /l/:slug/listen/* (tracked platform links)
  oauth: { limit: 60, windowSeconds: 600 }, // GET /oauth/*/callback
  checkout: { limit: 20, windowSeconds: 600 }, // POST /v1/billing/checkout (may be signed out)
  verification: { limit: 10, windowSeconds: 3600 }, // POST /account/verify/:token, /v1/accounts/me/verification
  codec: { limit: 600, windowSeconds: 60 }, // POST /codec/*
  webhooks: { limit: 600, windowSeconds: 60 }, // POST /webhooks/*
  // A phone's confirmation text (SMS double opt-in) costs money and lands on someone's phone: per client IP, and per
  // phone number (keyed hash) from any client. Over either, the form saves the subscription but texts nothing.
  smsclient: { limit: 10, windowSeconds: 3600 },
  smsphone: { limit: 3, windowSeconds: 86_400 },
  artwork: { limit: 600, windowSeconds: 60 }, // GET /artwork/* (immutable: a browser or CDN asks once per size)
} as const satisfies Record<string, RateLimit>;
export type RateLimitPolicy = keyof typeof RATE_LIMIT_DEFAULTS;
export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

const rateLimits = z.string().transform((value, ctx): Record<RateLimitPolicy, RateLimit> | 'off' => {
  if (value.trim() === 'off') return 'off';
  const limits: Record<string, RateLimit> = { ...RATE_LIMIT_DEFAULTS };
  for (const item of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)=(\d{1,9})\/(\d{1,7})$/.exec(item);
    if (!m || !(m[1] in RATE_LIMIT_DEFAULTS) || Number(m[3]) < 1) {
      ctx.addIssue({
        code: 'custom',
        message: `"${item}" must be off or policy=requests/seconds, policy one of ${Object.keys(RATE_LIMIT_DEFAULTS).join(', ')}`,
      });
      return z.NEVER;
    }
    limits[m[1]] = { limit: Number(m[2]), windowSeconds: Number(m[3]) };
  }
  return limits as Record<RateLimitPolicy, RateLimit>;
});

/** Express's `trust proxy`: true/false, a hop count, or comma-separated addresses, subnets and named ranges. */
const trustProxy = z.string().transform((value): boolean | number | string => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
});

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: url.default('http://127.0.0.1:3000'),
  PORT: port.default(3000),
  // The address the API listens on: every interface by default (containers); `npm run dev` uses 127.0.0.1.
  LISTEN_HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: url.optional(),
  // Which proxies in front of the API are believed about the client's address and scheme (X-Forwarded-*).
  TRUST_PROXY: trustProxy.prefault('loopback'),
  RATE_LIMITS: rateLimits.prefault(''),
  // GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset, only to loopback clients.
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('dropday'),
  TEMPORAL_UI_URL: url.default('http://127.0.0.1:8233'),
  TEMPORAL_UI_PORT: port.default(8233),
  // The worker's Prometheus endpoint (SDK runtime metrics and dropday's own); empty disables it.
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.:-]+:\d+$/, 'must be host:port')
    .optional(),
  // A prebuilt workflow bundle (`npm run bundle`); unset, the worker bundles workflows/ at start.
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  // Key ring: "kid:base64(32 bytes)" pairs, comma-separated. The active key encrypts; every listed key decrypts.
  ENCRYPTION_KEYS: z.string().min(1),
  ENCRYPTION_ACTIVE_KEY_ID: z.string().min(1).optional(),
  // Signing key ring (README "Keys and their purposes"): "kid:secret" pairs, comma-separated, each secret at least 32
  // characters; the last signs, every listed one verifies. Unset: STATE_SIGNING_SECRET is the ring's one key.
  SIGNING_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,32}:[^,]{32,}(,[A-Za-z0-9_-]{1,32}:[^,]{32,})*$/,
      'must be kid:secret,... (secrets >= 32 characters)',
    )
    .optional(),
  STATE_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // The key of the contact lookup hashes (e-mail, phone, IP, user agent). Stable by design: changing it needs a
  // re-hash of every stored hash. Unset: derived from STATE_SIGNING_SECRET, as before there was a ring.
  LOOKUP_HASH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Origins allowed to call the codec endpoint from a browser (the Temporal Web UI).
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),

  // Retention: engagement data of a fan who revoked access is deleted this long after the revocation (14 days).
  REVOKED_ENGAGEMENT_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(14 * 24 * 3600),
  // Artist connections: access tokens are refreshed this long before they expire.
  CONNECTION_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).default(300),
  // Analytics events lose their link to the fan after this many days (24 months).
  ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).default(730),
  // Abuse flags (README "Analytics and dashboard"): flagged events are left out of every analytics total.
  ABUSE_AUTH_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  ABUSE_AUTH_MAX_PER_IP: z.coerce.number().int().min(1).default(5),
  ABUSE_AUTH_MAX_PER_UA: z.coerce.number().int().min(1).default(30),
  ABUSE_STREAM_MIN_GAP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  ABUSE_NEW_ACCOUNT_SECONDS: z.coerce.number().int().min(0).default(86_400),

  // Attribution: the backfill Schedule of a campaign runs every ATTRIBUTION_INTERVAL_MINUTES for
  // ATTRIBUTION_WINDOW_DAYS after its release; page views and clicks are written in batches (EVENT_BUFFER_*).
  ATTRIBUTION_WINDOW_DAYS: z.coerce.number().int().min(1).max(366).default(28),
  ATTRIBUTION_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  ATTRIBUTION_FAN_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  EVENT_BUFFER_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(250),
  EVENT_BUFFER_BATCH: z.coerce.number().int().min(1).max(5_000).default(500),
  EVENT_BUFFER_MAX: z.coerce.number().int().min(1).default(20_000),
  // The smart link keeps campaigns in memory, dropped on every committed change (LISTEN/NOTIFY, migration 023)
  // and at the latest after CAMPAIGN_CACHE_MAX_AGE_MS; 0 reads every request from PostgreSQL. SMART_LINK_S_MAXAGE:
  // how long a shared cache (CDN) may keep a page without personal parts, and serve it stale while it asks again.
  CAMPAIGN_CACHE_MAX_AGE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  SMART_LINK_S_MAXAGE: z.coerce.number().int().min(0).max(3_600).default(1),
  SMART_LINK_STALE_WHILE_REVALIDATE: z.coerce.number().int().min(0).max(86_400).default(5),
  // Request headers an edge (CDN, load balancer) sets to the visitor's ISO country, first present wins; empty: none.
  COUNTRY_HEADERS: z.string().default('cf-ipcountry,x-country'),

  SPOTIFY_CLIENT_ID: z.string().min(1).default('dropday-sandbox'),
  SPOTIFY_CLIENT_SECRET: optionalSecret,
  SPOTIFY_ACCOUNTS_URL: url.default('https://accounts.spotify.com'),
  SPOTIFY_API_URL: url.default('https://api.spotify.com'),
  SPOTIFY_API_MODE: z.enum(['development', 'extended']).default('development'),
  SPOTIFY_MAX_RPS: z.coerce.number().positive().default(20),
  // Release day (docs/performance.md): a wave keeps up to RELEASE_PARALLEL_BATCHES batch activities of up to
  // RELEASE_BATCH_SIZE pre-saves in flight (any worker process takes them), each delivering at most
  // RELEASE_BATCH_LANES at once (fewer when the provider rate is low: activities/batch-pace.ts).
  RELEASE_PARALLEL_BATCHES: z.coerce.number().int().min(1).max(500).default(16),
  RELEASE_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  RELEASE_BATCH_LANES: z.coerce.number().int().min(1).max(256).default(16),

  APPLE_MUSIC_API_URL: url.default('https://api.music.apple.com'),
  APPLE_MUSIC_TEAM_ID: optionalSecret,
  APPLE_MUSIC_KEY_ID: optionalSecret,
  APPLE_MUSIC_PRIVATE_KEY: optionalSecret,
  // docs/providers/apple-music.md: developer tokens live this long (Apple allows six months) and are signed anew
  // before they run out; the MusicKit script the smart link loads; Apple's rate per developer account (Team ID).
  APPLE_MUSIC_TOKEN_TTL_SECONDS: z.coerce.number().int().min(600).max(15_777_000).default(43_200),
  APPLE_MUSIC_MUSICKIT_URL: url.default('https://js-cdn.music.apple.com/musickit/v3/musickit.js'),
  APPLE_MUSIC_MAX_RPS: z.coerce.number().positive().default(20),

  META_DIALOG_URL: url.default('https://www.facebook.com'),
  META_GRAPH_URL: url.default('https://graph.facebook.com'),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.0$/, 'must look like v26.0')
    .default('v26.0'),
  META_APP_ID: optionalSecret,
  META_APP_SECRET: optionalSecret,

  // Instagram API with Instagram Login (docs/instagram.md): consent page, code exchange, Graph host; the webhook's
  // verify token (Meta's subscribe handshake) and the app secret that signs deliveries (X-Hub-Signature-256).
  INSTAGRAM_AUTH_URL: url.default('https://www.instagram.com'),
  INSTAGRAM_API_URL: url.default('https://api.instagram.com'),
  INSTAGRAM_GRAPH_URL: url.default('https://graph.instagram.com'),
  INSTAGRAM_API_VERSION: z
    .string()
    .regex(/^v\d+\.0$/, 'must look like v26.0')
    .default('v26.0'),
  INSTAGRAM_APP_ID: optionalSecret,
  INSTAGRAM_APP_SECRET: optionalSecret,
  INSTAGRAM_WEBHOOK_VERIFY_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Release-day posts: the container is made this long before the instant (it expires after 24 h at Instagram).
  INSTAGRAM_CONTAINER_LEAD_SECONDS: z.coerce.number().int().min(0).max(86_000).default(900),
  // How often a post whose release instant has come looks again whether the release is live.
  INSTAGRAM_LIVE_CHECK_MS: z.coerce.number().int().min(100).default(60_000),
  // Inbox: messages and comments are deleted this long after they arrive (30 days).
  INSTAGRAM_INBOX_RETENTION_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 24 * 3600),

  GOOGLE_AUTH_URL: url.default('https://accounts.google.com'),
  GOOGLE_OAUTH_URL: url.default('https://oauth2.googleapis.com'),
  GOOGLE_ADS_API_URL: url.default('https://googleads.googleapis.com'),
  GOOGLE_ADS_API_VERSION: z
    .string()
    .regex(/^v\d+$/, 'must look like v26')
    .default('v26'),
  GOOGLE_CLIENT_ID: optionalSecret,
  GOOGLE_CLIENT_SECRET: optionalSecret,
  GOOGLE_ADS_DEVELOPER_TOKEN: optionalSecret,

  GEMINI_API_URL: url.default('https://generativelanguage.googleapis.com'),
  GEMINI_API_KEY: optionalSecret,
  // Any generateContent model id; unset key → the deterministic template writer writes ad copy instead.
  GEMINI_MODEL: z
    .string()
    .regex(/^[\w.-]+(\/[\w.-]+)?$/, 'must be a model id such as gemini-2.5-flash')
    .default('gemini-2.5-flash'),
  // Ad copy: regeneration rounds for variants that fail the limits or the linter, how many times an artist may
  // reject and get new variants, and how long variants wait for approval before the request expires (7 days).
  AD_COPY_MAX_REGENERATIONS: z.coerce.number().int().min(0).max(10).default(2),
  AD_COPY_MAX_REJECTIONS: z.coerce.number().int().min(0).max(20).default(5),
  AD_COPY_APPROVAL_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24 * 3600),

  // SMS (release-day reminders, docs/smart-link.md) through Twilio's Messages API; without an account set, the
  // dev stack runs simulators/twilio/ (sandbox mode). TWILIO_API_KEY_SID: sign in with an API key instead of the
  // Account SID (TWILIO_AUTH_TOKEN is then the key's secret).
  TWILIO_API_URL: url.default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: optionalSecret,
  TWILIO_API_KEY_SID: optionalSecret,
  TWILIO_AUTH_TOKEN: optionalSecret,
  TWILIO_FROM: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'must be an E.164 number or an alphanumeric sender id')
    .optional(),
  // Release-day reminders queued per run of the outbox Schedule (every minute): the rate at which they go out.
  REMINDERS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),

  STRIPE_API_URL: url.default('https://api.stripe.com'),
  STRIPE_SECRET_KEY: optionalSecret,
  STRIPE_WEBHOOK_SECRET: optionalSecret,
  // Billing (README "Billing"): a failed subscription payment keeps the paid plan this long, then the account
  // drops to free; a shop order waits this long for an account with the buyer's e-mail address.
  BILLING_GRACE_DAYS: z.coerce.number().min(0).default(7),
  ORDER_ACCOUNT_WAIT_DAYS: z.coerce.number().min(0).default(30),

  // Outgoing e-mail: an SMTP(S) URL (smtp://user:pass@host:587); unset, mail goes to the sandbox mailbox table.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('dropday <no-reply@dropday.invalid>'),
});

export type Config = z.infer<typeof configSchema>;

/** The webhook secret `npm run dev` gives stripe-mock (scripts/lib/stripe-mock.ts): public, so never in production. */
export const PUBLISHED_SANDBOX_WEBHOOK_SECRET = 'whsec_dropday_sandbox';

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}\n` +
        'See .env.example for every variable and its meaning.',
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as they do in .env files and compose files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema
    .refine((c) => c.NODE_ENV !== 'production' || c.STRIPE_WEBHOOK_SECRET !== PUBLISHED_SANDBOX_WEBHOOK_SECRET, {
      path: ['STRIPE_WEBHOOK_SECRET'],
      message: 'is the published sandbox secret of npm run dev: set the endpoint secret Stripe gave you',
    })
    .safeParse(cleaned);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(root)');
        return { variable, message: cleaned[variable] === undefined ? 'is required' : issue.message };
      });
  // Variables that stand in for each other: the signing ring and the lookup hash key fall back to the old secret.
  if (cleaned.STATE_SIGNING_SECRET === undefined) {
    const missing = [!cleaned.SIGNING_KEYS && 'SIGNING_KEYS', !cleaned.LOOKUP_HASH_SECRET && 'LOOKUP_HASH_SECRET'];
    if (missing.some(Boolean))
      issues.push({
        variable: 'STATE_SIGNING_SECRET',
        message: `is required unless ${missing.filter(Boolean).join(' and ')} ${missing.every(Boolean) ? 'are' : 'is'} set`,
      });
  }
  if (!parsed.success || issues.length) throw new ConfigError(issues);
  return parsed.data;
}
