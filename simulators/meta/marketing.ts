// Loopback simulator of the Meta Marketing API (docs/providers/meta.md) as dropday and the Business SDK use it:
// writes as forms whose object fields are JSON strings, or as JSON (graph-http.ts reads both alike), `{id}` results
// with numeric-string ids, campaign → ad set → creative → ad under /act_{id}, status updates (POST /{id}),
// DELETE /{id}, reads (with the stored `fields` asked for), name lookups and /{id}/insights. Tokens are the ones the
// login simulator issued (expired / revoked → code 190). Errors use the Graph envelope with HTTP 400;
// every answer carries the usage headers. Faults on demand under /__control/marketing (and marketingState(state)).
import { createHash, randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response, Router } from 'express';
import { type MetaSimState } from './index';

export type MetaObjectKind = 'campaign' | 'adset' | 'adcreative' | 'ad';
export type MetaStep =
  'campaigns' | 'adsets' | 'adcreatives' | 'ads' | 'status' | 'delete' | 'insights' | 'read' | 'me' | 'any';

export interface MetaAdObject {
  id: string;
  kind: MetaObjectKind;
  accountId: string;
  name: string;
  status: string; // ACTIVE | PAUSED | DELETED | ARCHIVED
  deleted: boolean;
  fields: Record<string, unknown>;
  parentId?: string;
  createdAt: number;
}

export interface MetaFault {
  step: MetaStep;
  code: number;
  subcode?: number;
  message?: string;
  userTitle?: string;
  userMessage?: string;
  times: number;
  delayMs?: number; // with code 0: no error, only slowness
  afterWrite?: boolean; // do the call, then answer the error (an outcome the caller cannot know)
  hold?: boolean; // keep the call waiting until POST /__control/marketing/faults/release (at most a minute)
  user?: string; // only calls by this user (so tests running side by side do not take each other's faults)
  path?: string; // only calls whose path contains this (e.g. '/adcreatives' among the reads)
  hits: number; // calls the fault has caught so far (a test can wait for the call to arrive)
}

export interface MetaDelivery {
  date: string;
  spend: number; // account currency, major units (Insights answer spend as a decimal string)
  impressions: number;
  clicks: number;
  conversions: number;
}

export interface MetaUserAssets {
  adAccounts: { accountId: string; name: string; currency: string }[];
  pages: { id: string; name: string }[];
}

export class MetaMarketingState {
  readonly objects = new Map<string, MetaAdObject>();
  readonly faults: MetaFault[] = [];
  /** With `user`: only that user's calls, and the window starts at their first call (`until` is set then). */
  throttle: { code: number; until: number; regainMinutes: number; user?: string; seconds: number } | null = null;
  readonly delivery = new Map<string, MetaDelivery[]>(); // by object id
  readonly calls: {
    at: number;
    method: string;
    path: string;
    step: MetaStep;
    status: number;
    code?: number;
    user?: string;
  }[] = [];
  /** The ad accounts and Pages each user reaches (GET /me/adaccounts, /me/accounts); `assetsOf` makes defaults. */
  readonly userAssets = new Map<string, MetaUserAssets>();
  private held: (() => void)[] = [];
  private nextId = 120_210_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1000;

  newId(): string {
    this.nextId += 1 + Math.floor(Math.random() * 7);
    return String(this.nextId);
  }

  /** A user's ad accounts and Pages: as a test set them, else one of each with ids derived from the user's name. */
  assetsOf(user: string): MetaUserAssets {
    const kept = this.userAssets.get(user);
    if (kept) return kept;
    const digits = (salt: string) =>
      String(
        BigInt(
          `0x${createHash('sha256')
            .update(salt + user)
            .digest('hex')
            .slice(0, 15)}`,
        ),
      ).slice(0, 15);
    return {
      adAccounts: [{ accountId: digits('act'), name: `${user} ads`, currency: 'USD' }],
      pages: [{ id: digits('page'), name: `${user} (artist Page)` }],
    };
  }

  byKind(kind: MetaObjectKind): MetaAdObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind);
  }

  /** Waits until releaseHeld() (or a minute, so a forgotten hold cannot hang a caller). */
  hold(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      this.held.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  releaseHeld(): number {
    const held = this.held.splice(0);
    for (const release of held) release();
    return held.length;
  }
}

const states = new WeakMap<MetaSimState, MetaMarketingState>();
/** The Marketing API state of a Meta simulator (tests read objects and calls from it). */
export function marketingState(sim: MetaSimState): MetaMarketingState {
  let s = states.get(sim);
  if (!s) states.set(sim, (s = new MetaMarketingState()));
  return s;
}

export const OUTCOME_OBJECTIVES = [
  'OUTCOME_TRAFFIC',
  'OUTCOME_SALES',
  'OUTCOME_LEADS',
  'OUTCOME_ENGAGEMENT',
  'OUTCOME_AWARENESS',
  'OUTCOME_APP_PROMOTION',
];
const LEGACY_OBJECTIVES = [
  'LINK_CLICKS',
  'CONVERSIONS',
  'POST_ENGAGEMENT',
  'PAGE_LIKES',
  'REACH',
  'BRAND_AWARENESS',
  'VIDEO_VIEWS',
  'LEAD_GENERATION',
  'MESSAGES',
  'APP_INSTALLS',
  'PRODUCT_CATALOG_SALES',
  'STORE_VISITS',
];
const SPECIAL_AD_CATEGORIES = [
  'NONE',
  'HOUSING',
  'EMPLOYMENT',
  'CREDIT',
  'ISSUES_ELECTIONS_POLITICS',
  'ONLINE_GAMBLING_AND_GAMING',
  'FINANCIAL_PRODUCTS_SERVICES',
];
const BILLING_EVENTS = ['IMPRESSIONS', 'LINK_CLICKS', 'THRUPLAY', 'POST_ENGAGEMENT', 'PAGE_LIKES'];
const OPTIMIZATION_GOALS = [
  'LINK_CLICKS',
  'LANDING_PAGE_VIEWS',
  'REACH',
  'IMPRESSIONS',
  'OFFSITE_CONVERSIONS',
  'POST_ENGAGEMENT',
  'THRUPLAY',
  'AD_RECALL_LIFT',
];
const THROTTLE_SUBCODES: Record<number, number> = { 4: 1504022, 17: 2446079, 613: 1487742 };

class GraphError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: { subcode?: number; userTitle?: string; userMessage?: string; type?: string } = {},
  ) {
    super(message);
  }
}

const invalid = (message: string, userTitle: string, userMessage: string, subcode?: number) =>
  new GraphError(100, message, { subcode, userTitle, userMessage });

function parseJsonField<T>(body: Record<string, string>, field: string, required: boolean): T | undefined {
  const raw = body[field];
  if (raw === undefined || raw === '') {
    if (required)
      throw invalid(`(#100) The parameter ${field} is required`, 'Missing parameter', `Please provide ${field}.`);
    return undefined;
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw invalid(
      `(#100) Param ${field} must be a JSON-encoded value`,
      'Invalid parameter',
      `${field} is not valid JSON.`,
    );
  }
}

/** A query parameter holding JSON (time_range, filtering): unreadable JSON is Graph's code 100, not a crash. */
function queryJson<T>(req: Request, name: string): T | undefined {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(String(raw)) as T;
  } catch {
    throw invalid(
      `(#100) Param ${name} must be a JSON-encoded value`,
      'Invalid parameter',
      `${name} is not valid JSON.`,
    );
  }
}

function required(body: Record<string, string>, field: string): string {
  const v = body[field];
  if (!v) throw invalid(`(#100) The parameter ${field} is required`, 'Missing parameter', `Please provide ${field}.`);
  return v;
}

function minorUnits(body: Record<string, string>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) {
    throw invalid(
      `(#100) Param ${field} must be a positive integer`,
      'Invalid budget',
      `The budget must be a whole number in your account currency's smallest unit (for example 2000 for 20.00 USD).`,
      1885272,
    );
  }
  return Number(v);
}

function status(body: Record<string, string>): string {
  const s = body.status ?? 'ACTIVE';
  if (!['ACTIVE', 'PAUSED'].includes(s))
    throw invalid(
      `(#100) Param status must be one of {ACTIVE, PAUSED}`,
      'Invalid status',
      'Status must be ACTIVE or PAUSED.',
    );
  return s;
}

export function mountMetaMarketingApi(app: Express, graph: Router, sim: MetaSimState): void {
  const state = marketingState(sim);
  const api = Router();

  const tokenOf = (req: Request): string => {
    const auth = req.get('authorization');
    return String(
      (req.body as Record<string, string> | undefined)?.access_token ??
        req.query.access_token ??
        (auth?.startsWith('Bearer ') ? auth.slice(7) : ''),
    );
  };

  /** Who calls: a token the login simulator issued, still valid, whose user has not revoked the app. */
  function authenticate(req: Request): string {
    const token = tokenOf(req);
    if (!token)
      throw new GraphError(104, 'An access token is required to request this resource.', { type: 'OAuthException' });
    const known = sim.tokens.get(token);
    if (!known)
      throw new GraphError(190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' });
    if (sim.revokedUsers.has(known.user)) {
      throw new GraphError(190, 'Error validating access token: The user has not authorized application.', {
        subcode: 458,
        type: 'OAuthException',
      });
    }
    if (known.expiresAt <= Date.now())
      throw new GraphError(190, 'Error validating access token: Session has expired.', {
        subcode: 463,
        type: 'OAuthException',
      });
    return known.user;
  }

  function usageHeaders(res: Response, accountId: string | undefined, throttled: boolean) {
    const remainingSeconds = state.throttle ? Math.max(0, Math.ceil((state.throttle.until - Date.now()) / 1000)) : 0;
    const pct = throttled ? 100 : Math.min(99, state.calls.length % 100);
    res.setHeader(
      'x-app-usage',
      JSON.stringify({ call_count: pct, total_cputime: Math.floor(pct / 4), total_time: Math.floor(pct / 4) }),
    );
    if (accountId) {
      res.setHeader(
        'x-ad-account-usage',
        JSON.stringify({
          acc_id_util_pct: pct,
          reset_time_duration: throttled ? remainingSeconds : 0,
          ads_api_access_tier: 'development_access',
        }),
      );
      res.setHeader(
        'x-business-use-case-usage',
        JSON.stringify({
          [accountId]: [
            {
              type: 'ads_management',
              call_count: pct,
              total_cputime: Math.floor(pct / 4),
              total_time: Math.floor(pct / 4),
              estimated_time_to_regain_access: throttled ? state.throttle!.regainMinutes : 0,
            },
          ],
        }),
      );
    }
  }

  function sendError(res: Response, error: GraphError) {
    res.status(400).json({
      error: {
        message: error.message,
        type: error.extra.type ?? 'OAuthException',
        code: error.code,
        ...(error.extra.subcode ? { error_subcode: error.extra.subcode } : {}),
        ...(error.extra.userTitle ? { error_user_title: error.extra.userTitle } : {}),
        ...(error.extra.userMessage ? { error_user_msg: error.extra.userMessage } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    });
  }

  /** The common path of every call: auth, throttle, faults, then the handler; records the call. */
  const handle =
    (
      step: MetaStep,
      fn: (req: Request, user: string) => unknown | Promise<unknown>,
      accountOf?: (req: Request) => string | undefined,
    ) =>
    async (req: Request, res: Response) => {
      const accountId =
        accountOf?.(req) ?? (req.params.account ? String(req.params.account).replace(/^act_/, '') : undefined);
      let user: string | undefined;
      // A refused token is still recorded under its user (tests read their own calls).
      const record = (status: number, code?: number) =>
        state.calls.push({
          at: Date.now(),
          method: req.method,
          path: req.path,
          step,
          status,
          code,
          user: user ?? sim.tokens.get(tokenOf(req))?.user,
        });
      try {
        user = authenticate(req);
        if (state.throttle?.user === user && state.throttle.until === Infinity)
          state.throttle.until = Date.now() + state.throttle.seconds * 1000;
        if (
          state.throttle &&
          state.throttle.until > Date.now() &&
          (!state.throttle.user || state.throttle.user === user)
        ) {
          const code = state.throttle.code;
          usageHeaders(res, accountId ?? 'app', true);
          throw new GraphError(
            code,
            code === 4
              ? '(#4) Application request limit reached'
              : code === 17
                ? '(#17) User request limit reached'
                : '(#613) Calls within one hour have exceeded the rate limit for this ad account.',
            {
              subcode: THROTTLE_SUBCODES[code],
            },
          );
        }
        const fault = state.faults.find(
          (f) =>
            f.times > 0 &&
            (f.step === step || f.step === 'any') &&
            (!f.user || f.user === user) &&
            (!f.path || req.path.includes(f.path)),
        );
        if (fault) {
          fault.times--;
          fault.hits++;
          if (fault.hold) await state.hold();
          if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
          if (fault.afterWrite) await fn(req, user);
          if (fault.code)
            throw new GraphError(fault.code, fault.message ?? `(#${fault.code}) Simulated failure`, {
              subcode: fault.subcode,
              userTitle: fault.userTitle,
              userMessage: fault.userMessage,
            });
        }
        const result = await fn(req, user);
        usageHeaders(res, accountId, false);
        record(200);
        res.status(200).json(result);
      } catch (error) {
        if (!(error instanceof GraphError)) throw error;
        if (!res.hasHeader('x-app-usage')) usageHeaders(res, accountId, false);
        record(400, error.code);
        sendError(res, error);
      }
    };

  const accountParam = (req: Request): string => {
    const raw = String(req.params.account);
    if (!/^act_\d+$/.test(raw))
      throw invalid(
        `(#100) Ad account id must look like act_<digits>`,
        'Invalid ad account',
        'The ad account id is not valid.',
      );
    return raw.slice(4);
  };

  const live = (id: string, kind?: MetaObjectKind, accountId?: string): MetaAdObject => {
    const o = state.objects.get(id);
    if (!o || o.deleted || (kind && o.kind !== kind) || (accountId && o.accountId !== accountId)) {
      throw new GraphError(
        100,
        `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        { subcode: 33 },
      );
    }
    return o;
  };

  const create = (
    kind: MetaObjectKind,
    accountId: string,
    name: string,
    st: string,
    fields: Record<string, unknown>,
    parentId?: string,
  ) => {
    const o: MetaAdObject = {
      id: state.newId(),
      kind,
      accountId,
      name,
      status: st,
      deleted: false,
      fields,
      parentId,
      createdAt: Date.now(),
    };
    state.objects.set(o.id, o);
    return { id: o.id };
  };

  api.post(
    '/:account/campaigns',
    handle('campaigns', (req) => {
      const accountId = accountParam(req);
      const b = req.body as Record<string, string>;
      const name = required(b, 'name');
      const objective = required(b, 'objective');
      if (LEGACY_OBJECTIVES.includes(objective)) {
        throw invalid(
          `(#100) Objective ${objective} is invalid. Use one of: ${OUTCOME_OBJECTIVES.join(', ')}.`,
          'Objective not available',
          `The ${objective} objective is no longer available for new campaigns. Choose an outcome-based objective such as OUTCOME_TRAFFIC.`,
          2490408,
        );
      }
      if (!OUTCOME_OBJECTIVES.includes(objective))
        throw invalid(
          `(#100) Param objective must be one of {${OUTCOME_OBJECTIVES.join(', ')}}`,
          'Invalid objective',
          `${objective} is not an objective.`,
        );
      const categories = parseJsonField<unknown>(b, 'special_ad_categories', true);
      if (!Array.isArray(categories) || categories.some((c) => !SPECIAL_AD_CATEGORIES.includes(String(c)))) {
        throw invalid(
          '(#100) Param special_ad_categories must be an array of special ad categories',
          'Invalid special ad categories',
          'Special ad categories must be a list such as [] or ["HOUSING"].',
        );
      }
      const daily = minorUnits(b, 'daily_budget');
      const lifetime = minorUnits(b, 'lifetime_budget');
      return create('campaign', accountId, name, status(b), {
        objective,
        special_ad_categories: categories,
        daily_budget: daily,
        lifetime_budget: lifetime,
      });
    }),
  );

  api.post(
    '/:account/adsets',
    handle('adsets', (req) => {
      const accountId = accountParam(req);
      const b = req.body as Record<string, string>;
      const name = required(b, 'name');
      const campaign = live(required(b, 'campaign_id'), 'campaign', accountId);
      const daily = minorUnits(b, 'daily_budget');
      const lifetime = minorUnits(b, 'lifetime_budget');
      const campaignBudget =
        campaign.fields.daily_budget !== undefined || campaign.fields.lifetime_budget !== undefined;
      if (campaignBudget && (daily !== undefined || lifetime !== undefined)) {
        throw invalid(
          '(#100) Budget is set at the campaign level',
          'Budget set twice',
          'This campaign has a campaign budget, so its ad sets cannot have their own budget.',
          1885621,
        );
      }
      if (!campaignBudget && daily === undefined && lifetime === undefined) {
        throw invalid(
          '(#100) Either daily_budget or lifetime_budget is required',
          'Missing budget',
          'Set a daily or a lifetime budget for this ad set.',
          1885272,
        );
      }
      if (lifetime !== undefined && !b.end_time)
        throw invalid(
          '(#100) end_time is required with lifetime_budget',
          'Missing end time',
          'An ad set with a lifetime budget needs an end time.',
          1487100,
        );
      const billing = required(b, 'billing_event');
      if (!BILLING_EVENTS.includes(billing))
        throw invalid(
          `(#100) Param billing_event must be one of {${BILLING_EVENTS.join(', ')}}`,
          'Invalid billing event',
          `${billing} is not a billing event.`,
        );
      const goal = required(b, 'optimization_goal');
      if (!OPTIMIZATION_GOALS.includes(goal))
        throw invalid(
          `(#100) Param optimization_goal must be one of {${OPTIMIZATION_GOALS.join(', ')}}`,
          'Invalid optimization goal',
          `${goal} is not an optimization goal.`,
        );
      const targeting = parseJsonField<{ geo_locations?: { countries?: unknown } }>(b, 'targeting', true);
      const countries = targeting?.geo_locations?.countries;
      if (
        !Array.isArray(countries) ||
        countries.length === 0 ||
        countries.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c))
      ) {
        throw invalid(
          '(#100) Targeting spec must include geo_locations',
          'Location required',
          'Your audience is missing a location. Add at least one country to geo_locations.',
          1487079,
        );
      }
      for (const t of ['start_time', 'end_time']) {
        if (b[t] && Number.isNaN(Date.parse(b[t])) && !/^\d+$/.test(b[t]))
          throw invalid(`(#100) Param ${t} must be a valid time`, 'Invalid time', `${t} is not a valid time.`);
      }
      if (b.end_time && b.start_time && Date.parse(b.end_time) <= Date.parse(b.start_time)) {
        throw invalid(
          '(#100) end_time must be after start_time',
          'Invalid schedule',
          'The end time must be after the start time.',
          1487086,
        );
      }
      return create(
        'adset',
        accountId,
        name,
        status(b),
        {
          campaign_id: campaign.id,
          daily_budget: daily,
          lifetime_budget: lifetime,
          billing_event: billing,
          optimization_goal: goal,
          targeting,
          start_time: b.start_time,
          end_time: b.end_time,
        },
        campaign.id,
      );
    }),
  );

  api.post(
    '/:account/adcreatives',
    handle('adcreatives', (req) => {
      const accountId = accountParam(req);
      const b = req.body as Record<string, string>;
      const name = required(b, 'name');
      if (b.instagram_actor_id)
        throw invalid(
          '(#100) instagram_actor_id is no longer supported; use instagram_user_id',
          'Deprecated field',
          'instagram_actor_id is no longer supported; use instagram_user_id.',
        );
      const spec = parseJsonField<{
        page_id?: string;
        link_data?: { link?: string; message?: string };
        video_data?: unknown;
      }>(b, 'object_story_spec', !b.object_story_id);
      if (spec) {
        if (!spec.page_id || !/^\d+$/.test(String(spec.page_id)))
          throw invalid(
            '(#100) object_story_spec requires page_id',
            'Page required',
            'Choose the Facebook Page the ad will run as.',
          );
        if (!spec.link_data && !spec.video_data)
          throw invalid(
            '(#100) object_story_spec requires link_data or video_data',
            'Missing content',
            'The ad needs a link or a video.',
          );
        if (spec.link_data) {
          try {
            new URL(String(spec.link_data.link));
          } catch {
            throw invalid(
              '(#100) link_data.link must be a valid URL',
              'Invalid link',
              'The ad link is not a valid URL.',
              1487030,
            );
          }
        }
      }
      return create('adcreative', accountId, name, 'ACTIVE', {
        object_story_spec: spec,
        object_story_id: b.object_story_id,
      });
    }),
  );

  api.post(
    '/:account/ads',
    handle('ads', (req) => {
      const accountId = accountParam(req);
      const b = req.body as Record<string, string>;
      const name = required(b, 'name');
      const adset = live(required(b, 'adset_id'), 'adset', accountId);
      const creative = parseJsonField<{ creative_id?: string }>(b, 'creative', true);
      live(String(creative?.creative_id ?? ''), 'adcreative', accountId);
      if (
        state.objects.get(adset.id) &&
        [...state.objects.values()].filter((o) => o.kind === 'ad' && o.parentId === adset.id && !o.deleted).length >= 50
      ) {
        throw invalid(
          '(#100) Too many ads in this ad set',
          'Ad limit reached',
          'An ad set can hold at most 50 ads.',
          1487396,
        );
      }
      return create('ad', accountId, name, status(b), { adset_id: adset.id, creative }, adset.id);
    }),
  );

  api.get(
    '/:id/insights',
    handle(
      'insights',
      (req) => {
        const o = state.objects.get(String(req.params.id));
        if (!o) throw new GraphError(100, `(#100) Object with ID '${req.params.id}' does not exist`, { subcode: 33 });
        const range = queryJson<{ since: string; until: string }>(req, 'time_range');
        const rows = (state.delivery.get(o.id) ?? []).filter(
          (d) => !range || (d.date >= range.since && d.date <= range.until),
        );
        const byDay = String(req.query.time_increment ?? '') === '1';
        const totals = (list: MetaDelivery[]) => ({
          spend: list.reduce((s, d) => s + d.spend, 0).toFixed(2),
          impressions: String(list.reduce((s, d) => s + d.impressions, 0)),
          clicks: String(list.reduce((s, d) => s + d.clicks, 0)),
          actions: [
            { action_type: 'link_click', value: String(list.reduce((s, d) => s + d.clicks, 0)) },
            {
              action_type: 'offsite_conversion.fb_pixel_custom',
              value: String(list.reduce((s, d) => s + d.conversions, 0)),
            },
          ],
        });
        const data = byDay
          ? [...rows]
              .sort((a, b) => a.date.localeCompare(b.date))
              .map((d) => ({ ...totals([d]), date_start: d.date, date_stop: d.date }))
          : rows.length
            ? [
                {
                  ...totals(rows),
                  date_start: range?.since ?? rows[0].date,
                  date_stop: range?.until ?? rows.at(-1)!.date,
                },
              ]
            : [];
        return { data, paging: { cursors: {} } };
      },
      (req) => state.objects.get(String(req.params.id))?.accountId,
    ),
  );

  // Lookups by name (how dropday finds an object it may already have created before a retry).
  // What the token's user reaches, as Graph lists it: ad accounts (`act_` id and the bare account_id) and the Pages
  // the user has a role on (with a Page token, which dropday never keeps). One page of results; no paging cursors.
  api.get(
    '/me/adaccounts',
    handle('me', (_req, user) => ({
      data: state.assetsOf(user).adAccounts.map((a) => ({
        id: `act_${a.accountId}`,
        account_id: a.accountId,
        name: a.name,
        currency: a.currency,
        account_status: 1,
      })),
      paging: { cursors: {} },
    })),
  );
  api.get(
    '/me/accounts',
    handle('me', (_req, user) => ({
      data: state.assetsOf(user).pages.map((p) => ({
        id: p.id,
        name: p.name,
        category: 'Musician/Band',
        access_token: `page-${randomBytes(12).toString('hex')}`,
        tasks: ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MODERATE'],
      })),
      paging: { cursors: {} },
    })),
  );

  api.get(
    '/:account/:edge',
    handle('read', (req) => {
      const accountId = accountParam(req);
      const kinds: Record<string, MetaObjectKind> = {
        campaigns: 'campaign',
        adsets: 'adset',
        adcreatives: 'adcreative',
        ads: 'ad',
      };
      const kind = kinds[String(req.params.edge)];
      if (!kind) throw new GraphError(100, `(#100) Unknown edge ${req.params.edge}`);
      const filtering = queryJson<{ field: string; operator: string; value: string }[]>(req, 'filtering') ?? [];
      const byName = filtering.find((f) => f.field === 'name' && f.operator === 'EQUAL');
      const data = state
        .byKind(kind)
        .filter((o) => o.accountId === accountId && !o.deleted && (!byName || o.name === byName.value))
        .map((o) => ({ id: o.id, name: o.name, status: o.status }));
      return { data, paging: { cursors: {} } };
    }),
  );

  api.get(
    '/:id',
    handle(
      'read',
      (req) => {
        const o = state.objects.get(String(req.params.id));
        if (!o) throw new GraphError(100, `(#100) Object with ID '${req.params.id}' does not exist`, { subcode: 33 });
        const requested = String(req.query.fields ?? '')
          .split(',')
          .filter((f) => f && o.fields[f] !== undefined);
        // e.g. objective, daily_budget; Graph answers numbers such as budgets as strings
        const graphValue = (v: unknown) => (typeof v === 'number' ? String(v) : v);
        const stored = Object.fromEntries(requested.map((f) => [f, graphValue(o.fields[f])]));
        const status = o.deleted ? 'DELETED' : o.status;
        return { ...stored, id: o.id, name: o.name, status, effective_status: status };
      },
      (req) => state.objects.get(String(req.params.id))?.accountId,
    ),
  );

  api.post(
    '/:id',
    handle(
      'status',
      (req) => {
        const o = live(String(req.params.id));
        const s = required(req.body as Record<string, string>, 'status');
        if (!['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED'].includes(s))
          throw invalid(
            '(#100) Param status must be one of {ACTIVE, PAUSED, ARCHIVED, DELETED}',
            'Invalid status',
            'Status must be ACTIVE or PAUSED.',
          );
        if (o.kind === 'adcreative')
          throw invalid('(#100) Creatives have no status', 'Invalid update', 'A creative has no status.');
        o.status = s;
        if (s === 'DELETED') o.deleted = true;
        return { success: true };
      },
      (req) => state.objects.get(String(req.params.id))?.accountId,
    ),
  );

  api.delete(
    '/:id',
    handle(
      'delete',
      (req) => {
        const o = live(String(req.params.id));
        const remove = (x: MetaAdObject) => {
          x.deleted = true;
          x.status = 'DELETED';
          for (const child of state.objects.values()) if (child.parentId === x.id && !child.deleted) remove(child); // a campaign takes its ad sets and ads
        };
        remove(o);
        return { success: true };
      },
      (req) => state.objects.get(String(req.params.id))?.accountId,
    ),
  );

  // --- test control ---
  const control = Router();
  control.use(express.json());
  control.post('/faults', (req, res) => {
    const b = req.body as Partial<MetaFault>;
    const fault: MetaFault = {
      step: (b.step ?? 'any') as MetaStep,
      code: Number(b.code ?? 0),
      subcode: b.subcode ? Number(b.subcode) : undefined,
      message: b.message,
      userTitle: b.userTitle,
      userMessage: b.userMessage,
      times: Number(b.times ?? 1),
      delayMs: b.delayMs ? Number(b.delayMs) : undefined,
      afterWrite: Boolean(b.afterWrite),
      hold: Boolean(b.hold),
      user: b.user,
      path: b.path,
      hits: 0,
    };
    state.faults.push(fault);
    res.json(fault);
  });
  control.post('/faults/release', (_req, res) => {
    res.json({ released: state.releaseHeld() });
  });
  control.delete('/faults', (_req, res) => {
    state.faults.length = 0;
    state.throttle = null;
    state.releaseHeld();
    res.json({ cleared: true });
  });
  control.post('/throttle', (req, res) => {
    const b = req.body as { code?: string; seconds?: string; regainMinutes?: string; user?: string };
    const seconds = Number(b.seconds ?? 60);
    state.throttle = {
      code: Number(b.code ?? 17),
      until: b.user ? Infinity : Date.now() + seconds * 1000,
      regainMinutes: b.regainMinutes === undefined ? Math.ceil(seconds / 60) : Number(b.regainMinutes),
      user: b.user,
      seconds,
    };
    res.json(state.throttle);
  });
  control.post('/tokens/revoke', (req, res) => {
    const token = String((req.body as { token?: string }).token ?? '');
    const known = sim.tokens.get(token);
    if (known) sim.revokedUsers.add(known.user);
    res.json({ revoked: Boolean(known) });
  });
  control.post('/delivery', (req, res) => {
    const b = req.body as Record<string, string>;
    const list = state.delivery.get(b.objectId) ?? [];
    const row: MetaDelivery = {
      date: b.date,
      spend: Number(b.spend ?? 0),
      impressions: Number(b.impressions ?? 0),
      clicks: Number(b.clicks ?? 0),
      conversions: Number(b.conversions ?? 0),
    };
    state.delivery.set(b.objectId, [...list.filter((d) => d.date !== row.date), row]);
    res.json(row);
  });
  control.get('/objects', (_req, res) => res.json([...state.objects.values()]));
  control.get('/calls', (_req, res) => res.json(state.calls));

  app.use('/__control/marketing', control);
  graph.use(api);
}
