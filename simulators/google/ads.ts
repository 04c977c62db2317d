// Loopback simulator of the Google Ads REST API (docs/providers/google.md) as dropday uses it: campaignBudgets,
// campaigns (Demand Gen), adGroups, adGroupAds and assets (YouTube videos, images) `:mutate` (create / update with
// updateMask / remove, partialFailure, validateOnly), googleAds:search and :searchStream (a small GAQL subset: lookups by name and daily
// metrics). Requests need a bearer token the OAuth simulator issued (expired → 401 UNAUTHENTICATED), the
// `developer-token` header, and `login-customer-id` for customers reached through a manager. Errors carry a
// GoogleAdsFailure in `details`; quota errors are RESOURCE_EXHAUSTED with quotaErrorDetails.retryDelay.
// Faults on demand under /__control/ads (and adsState(state)).
import { createHash, randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response, Router } from 'express';
import { imageInfo } from '../../lib/image';
import { mountConversionControl, uploadClickConversions } from './conversions';
import { type GoogleSimState } from './index';

export const SANDBOX_DEVELOPER_TOKEN = 'dropday-sandbox-devtoken';
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
// v23 (sunset Feb 2027) to v26: the majors Google still serves (docs/providers/google.md).
export const SUPPORTED_VERSIONS = ['v23', 'v24', 'v25', 'v26'];

export type AdsService = 'campaignBudgets' | 'campaigns' | 'campaignCriteria' | 'adGroups' | 'adGroupAds' | 'assets';
const COLLECTION: Record<AdsService, string> = {
  campaignBudgets: 'campaign_budget',
  campaigns: 'campaign',
  campaignCriteria: 'campaign_criterion',
  adGroups: 'ad_group',
  adGroupAds: 'ad_group_ad',
  assets: 'asset',
};

// Country criterion ids (geoTargetConstants/<id>) of common markets; other countries get a stable made-up id.
const COUNTRY_CRITERIA: Record<string, number> = {
  US: 2840,
  GB: 2826,
  CA: 2124,
  AU: 2036,
  DE: 2276,
  FR: 2250,
  ES: 2724,
  IT: 2380,
  NL: 2528,
  SE: 2752,
  NO: 2578,
  DK: 2208,
  FI: 2246,
  IE: 2372,
  BR: 2076,
  MX: 2484,
  JP: 2392,
  KR: 2410,
  IN: 2356,
  NZ: 2554,
  BE: 2056,
  AT: 2040,
  CH: 2756,
  PL: 2616,
  PT: 2620,
};
export const countryCriterionId = (code: string) =>
  COUNTRY_CRITERIA[code] ?? 2000 + ((code.charCodeAt(0) - 65) * 26 + (code.charCodeAt(1) - 65)) + 1000;

export interface AdsObject {
  resourceName: string;
  service: AdsService;
  customerId: string;
  status: string; // ENABLED | PAUSED | REMOVED
  fields: Record<string, unknown>;
  createdAt: number;
}

export interface AdsFault {
  service: AdsService | 'search' | 'conversionUploads' | 'listAccessibleCustomers' | 'any';
  httpStatus: number;
  status: string;
  errorCode: Record<string, string>;
  message: string;
  times: number;
  delayMs?: number;
}

export interface AdsDelivery {
  date: string;
  costMicros: number;
  impressions: number;
  clicks: number;
  conversions: number;
}

export class GoogleAdsState {
  developerToken = SANDBOX_DEVELOPER_TOKEN;
  readonly objects = new Map<string, AdsObject>();
  readonly faults: AdsFault[] = [];
  quota: { until: number; retryDelaySeconds: number; daily: boolean } | null = null;
  readonly managers = new Map<string, string>(); // client customer id → manager customer id
  readonly currencies = new Map<string, string>(); // customer id → currency (default USD)
  /** The customers a Google user reaches (customers:listAccessibleCustomers); `accessibleOf` makes a default. */
  readonly accessible = new Map<string, string[]>();
  readonly delivery = new Map<string, AdsDelivery[]>(); // by campaign resource name
  readonly calls: {
    at: number;
    path: string;
    service: string;
    status: number;
    errorCode?: string;
    operations?: number;
  }[] = [];
  private nextId = 20_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

  /** A user's accessible customers: as a test set them, else one whose 10-digit id comes from the user's name. */
  accessibleOf(user: string): string[] {
    const digest = createHash('sha256').update(`customer:${user}`).digest('hex');
    return this.accessible.get(user) ?? [String(1_000_000_000 + (parseInt(digest.slice(0, 8), 16) % 9_000_000_000))];
  }

  newId(): string {
    this.nextId += 1 + Math.floor(Math.random() * 5);
    return String(this.nextId);
  }

  live(service: AdsService): AdsObject[] {
    return [...this.objects.values()].filter((o) => o.service === service && o.status !== 'REMOVED');
  }
}

const states = new WeakMap<GoogleSimState, GoogleAdsState>();
export function adsState(sim: GoogleSimState): GoogleAdsState {
  let s = states.get(sim);
  if (!s) states.set(sim, (s = new GoogleAdsState()));
  return s;
}

export interface AdsErrorEntry {
  errorCode: Record<string, string>;
  message: string;
  trigger?: { stringValue: string };
  location?: { fieldPathElements: { fieldName: string; index?: number }[] };
  details?: Record<string, unknown>;
}

export class AdsError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: string,
    readonly errors: AdsErrorEntry[],
    message?: string,
  ) {
    super(message ?? errors[0]?.message ?? status);
  }
}

export const invalidArgument = (errors: AdsErrorEntry[]) =>
  new AdsError(400, 'INVALID_ARGUMENT', errors, 'Request contains an invalid argument.');
const at = (index: number, ...fields: string[]) => ({
  fieldPathElements: [{ fieldName: 'operations', index }, ...fields.map((fieldName) => ({ fieldName }))],
});
const requiredField = (index: number, path: string[]): AdsErrorEntry => ({
  errorCode: { fieldError: 'REQUIRED' },
  message: 'The required field was not present.',
  location: at(index, ...path),
});

function int64(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

export function mountGoogleAdsApi(app: Express, sim: GoogleSimState): void {
  const state = adsState(sim);
  const conversions = mountConversionControl(app, sim);
  const failureType = (version: string) =>
    `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`;

  function sendError(res: Response, version: string, error: AdsError) {
    const requestId = randomBytes(11).toString('base64url');
    res.status(error.httpStatus).json({
      error: {
        code: error.httpStatus,
        message: error.message,
        status: error.status,
        details: [{ '@type': failureType(version), errors: error.errors, requestId }],
      },
    });
  }

  /** Headers every call needs: a live OAuth token, the developer token, and the manager when one is in between. */
  function authorize(req: Request, customerId: string) {
    const auth = req.get('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const held = sim.accessTokens.get(token);
    if (!token || !held) {
      throw new AdsError(
        401,
        'UNAUTHENTICATED',
        [{ errorCode: { authenticationError: 'OAUTH_TOKEN_INVALID' }, message: 'Oauth token is invalid.' }],
        'Request had invalid authentication credentials.',
      );
    }
    if (held.grant.revoked)
      throw new AdsError(
        401,
        'UNAUTHENTICATED',
        [{ errorCode: { authenticationError: 'OAUTH_TOKEN_REVOKED' }, message: 'The OAuth token has been revoked.' }],
        'Request had invalid authentication credentials.',
      );
    if (held.expiresAt <= Date.now())
      throw new AdsError(
        401,
        'UNAUTHENTICATED',
        [{ errorCode: { authenticationError: 'OAUTH_TOKEN_EXPIRED' }, message: 'Oauth token is expired.' }],
        'Request had invalid authentication credentials.',
      );
    const developerToken = req.get('developer-token');
    if (!developerToken)
      throw new AdsError(401, 'UNAUTHENTICATED', [
        {
          errorCode: { authenticationError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' },
          message: 'Developer token parameter is missing.',
        },
      ]);
    if (developerToken !== state.developerToken)
      throw new AdsError(
        403,
        'PERMISSION_DENIED',
        [
          {
            errorCode: { authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED' },
            message: 'The developer token is not approved.',
          },
        ],
        'The caller does not have permission',
      );
    const login = req.get('login-customer-id');
    if (login !== undefined && !/^\d{10}$/.test(login)) {
      throw invalidArgument([
        {
          errorCode: { requestError: 'INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION' },
          message: 'login-customer-id must be 10 digits without dashes.',
        },
      ]);
    }
    const manager = state.managers.get(customerId);
    if (manager ? login !== manager : login !== undefined && login !== customerId) {
      throw new AdsError(
        403,
        'PERMISSION_DENIED',
        [
          {
            errorCode: { authorizationError: 'USER_PERMISSION_DENIED' },
            message:
              "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header.",
          },
        ],
        'The caller does not have permission',
      );
    }
  }

  /** Version, auth, quota and injected faults, then the handler; records the call. */
  const handle =
    (
      service: AdsService | 'search' | 'conversionUploads' | 'listAccessibleCustomers',
      fn: (req: Request, version: string, customerId: string) => unknown,
    ) =>
    async (req: Request, res: Response) => {
      const [version, customerId] = [String(req.params.version), String(req.params.customerId)];
      res.setHeader('request-id', randomBytes(11).toString('base64url'));
      const record = (status: number, errorCode?: string) =>
        state.calls.push({
          at: Date.now(),
          path: req.path,
          service,
          status,
          errorCode,
          operations: Array.isArray(req.body?.operations) ? req.body.operations.length : undefined,
        });
      try {
        if (!SUPPORTED_VERSIONS.includes(version)) {
          throw invalidArgument([
            {
              errorCode: { requestError: 'UNSUPPORTED_VERSION' },
              message: `Version ${version} is deprecated. Requests to this version will be blocked.`,
            },
          ]);
        }
        authorize(req, customerId);
        if (state.quota && state.quota.until > Date.now()) {
          throw new AdsError(
            429,
            'RESOURCE_EXHAUSTED',
            [
              {
                errorCode: { quotaError: state.quota.daily ? 'RESOURCE_EXHAUSTED' : 'RESOURCE_TEMPORARILY_EXHAUSTED' },
                message: state.quota.daily
                  ? 'Number of operations for basic access has been exceeded.'
                  : 'Too many requests. Retry in a few seconds.',
                details: {
                  quotaErrorDetails: {
                    rateScope: 'DEVELOPER',
                    rateName: state.quota.daily
                      ? 'Number of operations for basic access'
                      : 'Requests per developer per second',
                    retryDelay: `${state.quota.retryDelaySeconds}s`,
                  },
                },
              },
            ],
            'Resource has been exhausted (e.g. check quota).',
          );
        }
        const fault = state.faults.find((f) => f.times > 0 && (f.service === service || f.service === 'any'));
        if (fault) {
          fault.times--;
          if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
          if (fault.httpStatus)
            throw new AdsError(fault.httpStatus, fault.status, [
              { errorCode: fault.errorCode, message: fault.message },
            ]);
        }
        const result = fn(req, version, customerId);
        record(200);
        res.status(200).json(result);
      } catch (error) {
        if (!(error instanceof AdsError)) throw error;
        record(error.httpStatus, Object.values(error.errors[0]?.errorCode ?? {})[0]);
        sendError(res, version, error);
      }
    };

  const resource = (customerId: string, service: AdsService, id: string) => `customers/${customerId}/${service}/${id}`;
  const find = (name: unknown, service: AdsService, customerId: string) => {
    const o = state.objects.get(String(name));
    return o && o.service === service && o.customerId === customerId && o.status !== 'REMOVED' ? o : undefined;
  };
  const notFound = (index: number, name: string): AdsErrorEntry => ({
    errorCode: { mutateError: 'RESOURCE_NOT_FOUND' },
    message: 'The requested resource was not found.',
    trigger: { stringValue: name },
    location: at(index),
  });
  const statusOk = (v: unknown) => v === undefined || ['ENABLED', 'PAUSED'].includes(String(v));

  /** An IMAGE asset's bytes: present, base64, a PNG / JPEG / GIF, at most 5 MB (Google's limit for ad images). */
  function imageAssetErrors(index: number, c: Record<string, unknown>): AdsErrorEntry[] {
    const data = (c.imageAsset as { data?: unknown } | undefined)?.data;
    if (typeof data !== 'string' || data === '') return [requiredField(index, ['create', 'image_asset', 'data'])];
    const imageError = (code: string, message: string): AdsErrorEntry[] => [
      { errorCode: { imageError: code }, message, location: at(index, 'create', 'image_asset', 'data') },
    ];
    const bytes = /^[A-Za-z0-9+/_-]*={0,2}$/.test(data) ? Buffer.from(data, 'base64') : null;
    const info = bytes && imageInfo(bytes);
    if (!bytes || !info) return imageError('INVALID_IMAGE', 'The image is not valid.');
    if (bytes.length > MAX_IMAGE_BYTES) return imageError('FILE_TOO_LARGE', 'The image file is too large.');
    return [];
  }

  /** A Demand Gen ad's logos: at least one, each an image asset of this customer, square and 128 px or more. */
  function logoErrors(index: number, customerId: string, logos: { asset?: string }[] | undefined): AdsErrorEntry[] {
    const path = ['create', 'ad', 'demand_gen_video_responsive_ad', 'logo_images'];
    if (!logos?.length) return [requiredField(index, path)];
    return logos.flatMap((logo): AdsErrorEntry[] => {
      const asset = find(logo.asset, 'assets', customerId);
      if (!asset) return [notFound(index, String(logo.asset))];
      const data = (asset.fields.imageAsset as { data?: string } | undefined)?.data;
      const info = data ? imageInfo(Buffer.from(data, 'base64')) : null;
      if (info && info.width === info.height && info.width >= 128) return [];
      return [
        {
          errorCode: { imageError: info ? 'ASPECT_RATIO_NOT_ALLOWED' : 'INVALID_IMAGE' },
          message: 'A logo image must be a square image asset of at least 128x128 pixels.',
          trigger: { stringValue: String(logo.asset) },
          location: at(index, ...path),
        },
      ];
    });
  }

  /** Validates one create; returns errors, or the object to store. */
  function validateCreate(
    service: AdsService,
    customerId: string,
    index: number,
    c: Record<string, unknown>,
  ): AdsErrorEntry[] | AdsObject {
    const errors: AdsErrorEntry[] = [];
    const need = (field: string) => {
      if (c[field] === undefined || c[field] === '') errors.push(requiredField(index, ['create', field]));
    };
    if (!statusOk(c.status))
      errors.push({
        errorCode: { fieldError: 'INVALID_VALUE' },
        message: 'The field is not valid.',
        location: at(index, 'create', 'status'),
      });
    switch (service) {
      case 'campaignBudgets': {
        need('name');
        if (c.amountMicros === undefined) need('amountMicros');
        else if (int64(c.amountMicros) === null || int64(c.amountMicros)! <= 0) {
          errors.push({
            errorCode: { campaignBudgetError: 'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT' },
            message: 'The budget amount must be a positive whole number of micros.',
            location: at(index, 'create', 'amount_micros'),
          });
        }
        break;
      }
      case 'campaigns': {
        need('name');
        need('advertisingChannelType');
        need('campaignBudget');
        if (c.containsEuPoliticalAdvertising === undefined)
          errors.push(requiredField(index, ['create', 'contains_eu_political_advertising']));
        else if (
          !['CONTAINS_EU_POLITICAL_ADVERTISING', 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING'].includes(
            String(c.containsEuPoliticalAdvertising),
          )
        ) {
          errors.push({
            errorCode: { fieldError: 'INVALID_VALUE' },
            message: 'The field is not valid.',
            location: at(index, 'create', 'contains_eu_political_advertising'),
          });
        }
        if (c.advertisingChannelType === 'VIDEO') {
          errors.push({
            errorCode: { operationAccessDeniedError: 'CREATE_OPERATION_NOT_PERMITTED' },
            message: 'Video campaigns cannot be created through the API; use Demand Gen.',
            location: at(index, 'create', 'advertising_channel_type'),
          });
        }
        if (c.advertisingChannelType === 'DEMAND_GEN') {
          const bidding = [
            'maximizeConversions',
            'maximizeConversionValue',
            'targetCpa',
            'targetRoas',
            'targetSpend',
            'targetCpc',
          ].filter((k) => c[k] !== undefined);
          if (bidding.length !== 1)
            errors.push({
              errorCode: { biddingError: 'BIDDING_STRATEGY_NOT_SUPPORTED' },
              message: 'Demand Gen campaigns need exactly one supported bidding strategy.',
              location: at(index, 'create'),
            });
          if (c.advertisingChannelSubType !== undefined)
            errors.push({
              errorCode: { campaignError: 'INVALID_ADVERTISING_CHANNEL_SUB_TYPE' },
              message: 'Leave advertising_channel_sub_type unset for Demand Gen.',
              location: at(index, 'create', 'advertising_channel_sub_type'),
            });
        }
        if (c.campaignBudget !== undefined) {
          const budget = find(c.campaignBudget, 'campaignBudgets', customerId);
          if (!budget) errors.push(notFound(index, String(c.campaignBudget)));
          else if (c.advertisingChannelType === 'DEMAND_GEN') {
            if (budget.fields.explicitlyShared === true)
              errors.push({
                errorCode: { campaignBudgetError: 'CANNOT_USE_SHARED_CAMPAIGN_BUDGET_WITH_DEMAND_GEN' },
                message: 'Demand Gen campaigns need a budget of their own (not shared).',
                location: at(index, 'create', 'campaign_budget'),
              });
            const currency = state.currencies.get(customerId) ?? 'USD';
            if (currency === 'USD' && int64(budget.fields.amountMicros)! < 5_000_000) {
              errors.push({
                errorCode: { campaignBudgetError: 'BUDGET_BELOW_PER_DAY_MINIMUM' },
                message: 'The daily budget is below the minimum of 5.00 USD a day for Demand Gen campaigns.',
                location: at(index, 'create', 'campaign_budget'),
              });
            }
          }
        }
        break;
      }
      case 'campaignCriteria': {
        need('campaign');
        if (c.campaign !== undefined && !find(c.campaign, 'campaigns', customerId))
          errors.push(notFound(index, String(c.campaign)));
        const geo = (c.location as { geoTargetConstant?: string } | undefined)?.geoTargetConstant;
        if (!geo) errors.push(requiredField(index, ['create', 'location', 'geo_target_constant']));
        else if (!/^geoTargetConstants\/\d+$/.test(geo))
          errors.push({
            errorCode: { criterionError: 'INVALID_GEO_TARGET_CONSTANT' },
            message: 'The geo target constant is not valid.',
            trigger: { stringValue: geo },
            location: at(index, 'create', 'location'),
          });
        break;
      }
      case 'adGroups': {
        need('name');
        need('campaign');
        if (c.campaign !== undefined && !find(c.campaign, 'campaigns', customerId))
          errors.push(notFound(index, String(c.campaign)));
        break;
      }
      case 'assets': {
        if (c.type === 'IMAGE' || c.imageAsset !== undefined) {
          errors.push(...imageAssetErrors(index, c));
          break;
        }
        const video = (c.youtubeVideoAsset as { youtubeVideoId?: string } | undefined)?.youtubeVideoId;
        if (!video) errors.push(requiredField(index, ['create', 'youtube_video_asset', 'youtube_video_id']));
        else if (!/^[\w-]{11}$/.test(video))
          errors.push({
            errorCode: { assetError: 'YOUTUBE_VIDEO_NOT_FOUND' },
            message: 'The YouTube video was not found.',
            trigger: { stringValue: video },
            location: at(index, 'create', 'youtube_video_asset'),
          });
        break;
      }
      case 'adGroupAds': {
        need('adGroup');
        if (c.adGroup !== undefined && !find(c.adGroup, 'adGroups', customerId))
          errors.push(notFound(index, String(c.adGroup)));
        const ad = (c.ad ?? {}) as {
          finalUrls?: string[];
          demandGenVideoResponsiveAd?: Record<string, { text?: string; asset?: string }[] | { text?: string }>;
        };
        if (!ad.finalUrls?.length) errors.push(requiredField(index, ['create', 'ad', 'final_urls']));
        const info = ad.demandGenVideoResponsiveAd;
        if (!info) {
          errors.push(requiredField(index, ['create', 'ad', 'demand_gen_video_responsive_ad']));
          break;
        }
        const limits: [string, number][] = [
          ['headlines', 40],
          ['longHeadlines', 90],
          ['descriptions', 90],
        ];
        for (const [field, max] of limits) {
          const list = info[field] as { text?: string }[] | undefined;
          if (!list?.length)
            errors.push(requiredField(index, ['create', 'ad', 'demand_gen_video_responsive_ad', field]));
          for (const item of list ?? []) {
            if ((item.text ?? '').length > max)
              errors.push({
                errorCode: { adError: 'TOO_LONG' },
                message: `Text in ${field} is too long (at most ${max} characters).`,
                trigger: { stringValue: item.text ?? '' },
                location: at(index, 'create', 'ad', field),
              });
          }
        }
        const business = (info.businessName as { text?: string } | undefined)?.text;
        if (!business)
          errors.push(requiredField(index, ['create', 'ad', 'demand_gen_video_responsive_ad', 'business_name']));
        else if (business.length > 25)
          errors.push({
            errorCode: { adError: 'TOO_LONG' },
            message: 'The business name is too long (at most 25 characters).',
            trigger: { stringValue: business },
            location: at(index, 'create', 'ad', 'business_name'),
          });
        const videos = (info.videos as { asset?: string }[] | undefined) ?? [];
        if (!videos.length)
          errors.push(requiredField(index, ['create', 'ad', 'demand_gen_video_responsive_ad', 'videos']));
        for (const v of videos) if (!find(v.asset, 'assets', customerId)) errors.push(notFound(index, String(v.asset)));
        errors.push(...logoErrors(index, customerId, info.logoImages as { asset?: string }[] | undefined));
        break;
      }
    }
    if (errors.length) return errors;
    const id = state.newId();
    const name =
      service === 'adGroupAds'
        ? `customers/${customerId}/adGroupAds/${String(c.adGroup).split('/').pop()}~${id}`
        : service === 'campaignCriteria'
          ? `customers/${customerId}/campaignCriteria/${String(c.campaign).split('/').pop()}~${id}`
          : resource(customerId, service, id);
    return {
      resourceName: name,
      service,
      customerId,
      status: String(c.status ?? (service === 'assets' || service === 'campaignBudgets' ? 'ENABLED' : 'ENABLED')),
      fields: { ...c },
      createdAt: Date.now(),
    };
  }

  // Image assets travel base64 in the body (up to 5 MB of image).
  app.post('/:version/customers/:customerId/:service', express.json({ limit: '8mb' }), async (req, res, next) => {
    const match = /^(campaignBudgets|campaigns|campaignCriteria|adGroups|adGroupAds|assets):mutate$/.exec(
      String(req.params.service),
    );
    const search = /^googleAds:(search|searchStream)$/.exec(String(req.params.service));
    if (match)
      return handle(match[1] as AdsService, (r, version, customerId) =>
        mutate(match[1] as AdsService, r, version, customerId),
      )(req, res);
    if (search)
      return handle('search', (r, _v, customerId) => gaql(r, customerId, search[1] === 'searchStream'))(req, res);
    next();
  });

  // The customers the OAuth user reaches directly, as resource names only (the real method gives no names):
  // GET /v26/customers:listAccessibleCustomers, with the token and developer token, no login-customer-id needed.
  app.get('/:version/:method', (req, res, next) => {
    if (req.params.method !== 'customers:listAccessibleCustomers') return next();
    return handle('listAccessibleCustomers', (r) => {
      const token = (r.get('authorization') ?? '').slice('Bearer '.length);
      const user = sim.accessTokens.get(token)!.grant.user; // authorize() found it
      return { resourceNames: state.accessibleOf(user).map((id) => `customers/${id}`) };
    })(req, res);
  });

  // A customer's own method follows its id after a colon: POST /v26/customers/1234567890:uploadClickConversions.
  app.post('/:version/customers/:customerMethod', express.json(), async (req, res, next) => {
    const match = /^(\d+):uploadClickConversions$/.exec(String(req.params.customerMethod));
    if (!match) return next();
    (req.params as Record<string, string>).customerId = match[1];
    return handle('conversionUploads', (r, version, customerId) =>
      uploadClickConversions(conversions, r, version, customerId),
    )(req, res);
  });

  function mutate(service: AdsService, req: Request, version: string, customerId: string) {
    const body = (req.body ?? {}) as {
      operations?: Record<string, unknown>[];
      partialFailure?: boolean;
      validateOnly?: boolean;
    };
    if (!Array.isArray(body.operations) || body.operations.length === 0)
      throw invalidArgument([{ errorCode: { mutateError: 'OPERATIONS_EMPTY' }, message: 'No operations were given.' }]);
    type Outcome = { apply?: () => void; result: { resourceName: string } } | { errors: AdsErrorEntry[] };
    const outcomes: Outcome[] = body.operations.map((op, index) => {
      if (op.create) {
        const created = validateCreate(service, customerId, index, op.create as Record<string, unknown>);
        if (Array.isArray(created)) return { errors: created };
        return {
          apply: () => state.objects.set(created.resourceName, created),
          result: { resourceName: created.resourceName },
        };
      }
      if (op.remove !== undefined) {
        const target = find(op.remove, service, customerId);
        if (!target) return { errors: [notFound(index, String(op.remove))] };
        return { apply: () => void (target.status = 'REMOVED'), result: { resourceName: target.resourceName } };
      }
      if (op.update) {
        const update = op.update as { resourceName?: string; status?: string };
        const target = find(update.resourceName, service, customerId);
        if (!target) return { errors: [notFound(index, String(update.resourceName))] };
        const mask = String(op.updateMask ?? '')
          .split(',')
          .filter(Boolean);
        if (!mask.length)
          return {
            errors: [
              {
                errorCode: { fieldMaskError: 'FIELD_MASK_MISSING' },
                message: 'The field mask is missing.',
                location: at(index, 'update_mask'),
              },
            ],
          };
        if (mask.some((m) => m !== 'status') || !statusOk(update.status))
          return {
            errors: [
              {
                errorCode: { fieldError: 'INVALID_VALUE' },
                message: 'Only status (ENABLED or PAUSED) can be updated here.',
                location: at(index, 'update', 'status'),
              },
            ],
          };
        return {
          apply: () => void (target.status = String(update.status)),
          result: { resourceName: target.resourceName },
        };
      }
      return {
        errors: [
          {
            errorCode: { mutateError: 'INVALID_OPERATION' },
            message: 'The operation must be create, update or remove.',
            location: at(index),
          },
        ],
      };
    });
    const failed = outcomes.flatMap((o) => ('errors' in o ? o.errors : []));
    if (failed.length && !body.partialFailure) throw invalidArgument(failed); // atomic: nothing applied
    if (body.validateOnly) return {};
    const results = outcomes.map((o) => {
      if ('errors' in o) return {};
      o.apply?.();
      return o.result;
    });
    if (!failed.length) return { results };
    return {
      results,
      partialFailureError: {
        code: 3,
        message: `${outcomes.filter((o) => 'errors' in o).length} operation(s) failed.`,
        details: [{ '@type': failureType(version), errors: failed, requestId: randomBytes(11).toString('base64url') }],
      },
    };
  }

  /** GAQL subset: SELECT … FROM <resource> WHERE a = 'x' AND b = 'y' [AND segments.date BETWEEN 'd1' AND 'd2']. */
  function gaql(req: Request, customerId: string, stream: boolean) {
    const query = String((req.body as { query?: string })?.query ?? '');
    const from = /\bFROM\s+(\w+)/i.exec(query)?.[1];
    if (from === 'geo_target_constant') {
      // Google's shared catalogue of places: countries by ISO code.
      const codes = [
        ...(
          /country_code\s+IN\s*\(([^)]*)\)/i.exec(query)?.[1] ??
          /country_code\s*=\s*('[^']*')/i.exec(query)?.[1] ??
          ''
        ).matchAll(/'([A-Z]{2})'/g),
      ].map((m) => m[1]);
      const results = codes.map((code) => ({
        geoTargetConstant: {
          resourceName: `geoTargetConstants/${countryCriterionId(code)}`,
          countryCode: code,
          targetType: 'Country',
        },
      }));
      return stream ? [{ results }] : { results };
    }
    const service = (Object.keys(COLLECTION) as AdsService[]).find((s) => COLLECTION[s] === from);
    if (!service)
      throw invalidArgument([
        {
          errorCode: { queryError: 'UNRECOGNIZED_FIELD' },
          message: `Unrecognized resource in FROM: ${from ?? '(none)'}.`,
          trigger: { stringValue: query },
        },
      ]);
    const conditions = [...query.matchAll(/([\w.]+)\s*=\s*'([^']*)'/g)].map(([, field, value]) => ({ field, value }));
    const between = /segments\.date\s+BETWEEN\s+'(\d{4}-\d{2}-\d{2})'\s+AND\s+'(\d{4}-\d{2}-\d{2})'/i.exec(query);
    const wantsMetrics = /metrics\./.test(query);
    const prefix = COLLECTION[service];
    const fieldOf = (o: AdsObject, field: string): string | undefined => {
      if (field === `${prefix}.resource_name`) return o.resourceName;
      if (field === `${prefix}.name`) return String(o.fields.name ?? '');
      if (field === `${prefix}.status`) return o.status;
      if (field === 'ad_group.resource_name' && service === 'adGroupAds') return String(o.fields.adGroup);
      if (field === 'campaign.resource_name' && service === 'campaignCriteria') return String(o.fields.campaign);
      if (field === 'asset.youtube_video_asset.youtube_video_id')
        return (o.fields.youtubeVideoAsset as { youtubeVideoId?: string } | undefined)?.youtubeVideoId;
      return undefined;
    };
    const matching = [...state.objects.values()].filter(
      (o) =>
        o.service === service &&
        o.customerId === customerId &&
        o.status !== 'REMOVED' &&
        conditions.every((c) => fieldOf(o, c.field) === c.value),
    );
    const camel = prefix.replace(/_(\w)/g, (_, ch: string) => ch.toUpperCase());
    const results = matching.flatMap((o): Record<string, unknown>[] => {
      const base: Record<string, unknown> = {
        [camel]: {
          resourceName: o.resourceName,
          name: o.fields.name,
          status: o.status,
          id: o.resourceName.split(/[/~]/).pop(),
        },
      };
      if (!wantsMetrics) return [base];
      return (state.delivery.get(o.resourceName) ?? [])
        .filter((d) => !between || (d.date >= between[1] && d.date <= between[2]))
        .sort((a, b) => a.date.localeCompare(b.date))
        .map((d) => ({
          ...base,
          metrics: {
            costMicros: String(d.costMicros),
            impressions: String(d.impressions),
            clicks: String(d.clicks),
            conversions: d.conversions,
          },
          segments: { date: d.date },
        }));
    });
    const page = {
      results,
      fieldMask: query
        .replace(/^\s*SELECT\s+/i, '')
        .split(/\s+FROM\s+/i)[0]
        .replace(/\s+/g, ''),
      requestId: randomBytes(11).toString('base64url'),
    };
    return stream ? [page] : { results: page.results, fieldMask: page.fieldMask };
  }

  // --- test control ---
  const control = Router();
  control.use(express.json());
  control.post('/faults', (req, res) => {
    const b = req.body as Partial<AdsFault>;
    const fault: AdsFault = {
      service: b.service ?? 'any',
      httpStatus: Number(b.httpStatus ?? 400),
      status: b.status ?? 'INVALID_ARGUMENT',
      errorCode: b.errorCode ?? { requestError: 'UNKNOWN' },
      message: b.message ?? 'Simulated failure.',
      times: Number(b.times ?? 1),
      delayMs: b.delayMs,
    };
    if (b.httpStatus === 0) fault.httpStatus = 0; // delay only
    state.faults.push(fault);
    res.json(fault);
  });
  control.delete('/faults', (_req, res) => {
    state.faults.length = 0;
    state.quota = null;
    res.json({ cleared: true });
  });
  control.post('/quota', (req, res) => {
    const b = req.body as { seconds?: number; retryDelaySeconds?: number; daily?: boolean };
    state.quota = {
      until: Date.now() + Number(b.seconds ?? 30) * 1000,
      retryDelaySeconds: Number(b.retryDelaySeconds ?? b.seconds ?? 30),
      daily: Boolean(b.daily),
    };
    res.json(state.quota);
  });
  control.post('/customers', (req, res) => {
    const b = req.body as { customerId: string; managerId?: string; currency?: string };
    if (b.managerId) state.managers.set(b.customerId, b.managerId);
    if (b.currency) state.currencies.set(b.customerId, b.currency);
    res.json(b);
  });
  control.post('/delivery', (req, res) => {
    const b = req.body as { campaign: string } & AdsDelivery;
    const row: AdsDelivery = {
      date: b.date,
      costMicros: Number(b.costMicros ?? 0),
      impressions: Number(b.impressions ?? 0),
      clicks: Number(b.clicks ?? 0),
      conversions: Number(b.conversions ?? 0),
    };
    state.delivery.set(b.campaign, [...(state.delivery.get(b.campaign) ?? []).filter((d) => d.date !== row.date), row]);
    res.json(row);
  });
  control.get('/objects', (_req, res) => res.json([...state.objects.values()]));
  control.get('/calls', (_req, res) => res.json(state.calls));
  app.use('/__control/ads', control);
}
