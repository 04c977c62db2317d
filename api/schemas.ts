// Request bodies of the public API. Shared by validation and the OpenAPI document.
import { z } from 'zod';
import { gtinDigits, isValidGtin } from '../lib/gtin';
import { CURRENCIES, PACKAGE_IDS, PAID_TIERS, YOUTUBE_PREMIERE } from '../lib/billing/plans';
import { youtubeVideoIdOf, youtubeWatchUrl } from '../lib/youtube';
import { MAX_VARIANTS } from '../lib/ad-copy/template-writer';
import { isIsoCurrency } from '../lib/currency';
import { EVENT_TYPES } from '../db/event-values';
import { PLATFORMS, platformUrlProblem } from '../lib/platforms/catalog';
import { FILLABLE_PLATFORMS } from '../lib/platforms/catalog-fill';

const name = z.string().trim().min(1).max(200);

export const createAccountBody = z.strictObject({
  name,
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320)),
});

export const createArtistBody = z.strictObject({
  name,
  spotifyArtistId: z
    .string()
    .regex(/^[0-9A-Za-z]{22}$/, 'must be a 22-character Spotify id')
    .optional(),
  appleMusicArtistId: z
    .string()
    .regex(/^[0-9]{1,20}$/, 'must be a numeric Apple Music id')
    .optional(),
});

/** PATCH /v1/artists/:id: what is given changes; null clears an id. At least one field. */
export const updateArtistBody = z
  .strictObject({
    name: createArtistBody.shape.name.optional(),
    spotifyArtistId: createArtistBody.shape.spotifyArtistId.unwrap().nullable().optional(),
    appleMusicArtistId: createArtistBody.shape.appleMusicArtistId.unwrap().nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const uuidParam = z.object({ id: z.string().uuid() });

// --- campaigns ---------------------------------------------------------------------------------------------

const releaseDate = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const releaseTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM or HH:MM:SS (24-hour)')
  .transform((t) => (t.length === 5 ? `${t}:00` : t));
// Checked against PostgreSQL's IANA database by the route, since that is where due instants are computed.
const timeZone = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, 'must be an IANA time zone such as Europe/Paris');

/** UPC-A (12 digits), EAN-13 or zero-padded GTIN-14 as distributors print them (spaces and hyphens dropped), with
 * a valid GS1 check digit (lib/gtin.ts). */
const upcField = z
  .string()
  .trim()
  .transform(gtinDigits)
  .refine(isValidGtin, 'must be a UPC-A (12 digits), EAN-13 or zero-padded GTIN-14 with a valid check digit');
const isrcField = z
  .string()
  .trim()
  .transform((s) => s.replace(/-/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, 'must be an ISRC such as USRC17607839'));

/** GET /v1/releases/lookup: the release a campaign would be made for, shown before it is saved. */
export const releaseLookupQuery = z
  .strictObject({ upc: upcField.optional(), isrc: isrcField.optional() })
  .refine((q) => (q.upc === undefined) !== (q.isrc === undefined), {
    message: 'give a upc or an isrc (one of them)',
    path: ['upc'],
  });

export const presaveExportQuery = z.strictObject({
  status: z.enum(['pending', 'running', 'done', 'failed', 'revoked', 'cancelled']).optional(),
});

export const createCampaignBody = z
  .strictObject({
    artistId: z.string().uuid(),
    title: z.string().trim().min(1).max(200),
    upc: upcField.optional(),
    isrc: isrcField.optional(),
    releaseDate,
    releaseTime: releaseTime.default('00:00:00'),
    releasePolicy: z.enum(['local', 'global']),
    timeZone,
    followArtist: z.boolean().default(true),
    platforms: z
      .array(z.enum(['spotify', 'apple_music'], { message: 'supported platforms: spotify, apple_music' }))
      .min(1)
      .max(2)
      .refine((p) => new Set(p).size === p.length, 'each platform once')
      .default(['spotify']),
  })
  .refine((b) => b.upc !== undefined || b.isrc !== undefined, { message: 'upc or isrc is required', path: ['upc'] });

export const rescheduleCampaignBody = z
  .strictObject({
    releaseDate: releaseDate.optional(),
    releaseTime: releaseTime.optional(),
    timeZone: timeZone.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give releaseDate, releaseTime or timeZone' });

export const campaignListQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const presaveListQuery = z.strictObject({
  status: z.enum(['pending', 'running', 'done', 'failed', 'revoked', 'cancelled']).optional(),
  platform: z.enum(['spotify', 'apple_music']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// --- billing -----------------------------------------------------------------------------------------------

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** ISO 3166-1 alpha-2, known to the ICU region list (an unknown code is echoed back by DisplayNames). */
const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
  .refine((code) => regionNames.of(code) !== code, 'is not a known country code');

// Stored as the canonical watch link of the video it names (the ad campaign reads the id back from it).
const youtubeUrl = z
  .string()
  .trim()
  .max(500)
  .transform((link, ctx) => {
    const videoId = link.startsWith('https://') ? youtubeVideoIdOf(link) : null;
    if (videoId) return youtubeWatchUrl(videoId);
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an https link to one YouTube video: youtube.com/watch?v=<id>, youtu.be/<id> or youtube.com/shorts/<id>',
    });
    return z.NEVER;
  });

const attributionValue = z.string().trim().min(1).max(200);
export const attributionParams = z.strictObject({
  gclid: attributionValue.optional(),
  fbclid: attributionValue.optional(),
  utm_source: attributionValue.optional(),
  utm_medium: attributionValue.optional(),
  utm_campaign: attributionValue.optional(),
  utm_term: attributionValue.optional(),
  utm_content: attributionValue.optional(),
});

export const checkoutBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('subscription'),
    tier: z.enum(PAID_TIERS),
    currency: z.enum(CURRENCIES).default('eur'),
  }),
  z
    .strictObject({
      kind: z.literal('package'),
      packageId: z.enum(PACKAGE_IDS),
      currency: z.enum(CURRENCIES),
      /** the buyer's address when not signed in (Stripe asks for one otherwise) */
      email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320)).optional(),
      /** youtube-premiere: the video its ads promote (required) and where (optional: else given with the ads) */
      youtubeUrl: youtubeUrl.optional(),
      targetCountries: z
        .array(countryCode)
        .min(1)
        .max(50)
        .transform((codes) => [...new Set(codes)])
        .optional(),
      attribution: attributionParams.optional(),
    })
    .superRefine((body, ctx) => {
      const premiere = body.packageId === YOUTUBE_PREMIERE;
      if (premiere && !body.youtubeUrl)
        ctx.addIssue({
          code: 'custom',
          path: ['youtubeUrl'],
          message: `is required for the ${YOUTUBE_PREMIERE} package`,
        });
      for (const field of ['youtubeUrl', 'targetCountries'] as const)
        if (!premiere && body[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: `only the ${YOUTUBE_PREMIERE} package uses it` });
    }),
]);
export type CheckoutBody = z.infer<typeof checkoutBody>;

// --- ad copy -----------------------------------------------------------------------------------------------
export const createAdCopyBody = z.strictObject({
  platform: z.enum(['meta', 'google'], { message: 'platform must be meta or google' }),
  variants: z.number().int().min(1).max(MAX_VARIANTS).default(3),
  explicit: z.boolean().default(false),
  genres: z.array(z.string().trim().min(1).max(40)).max(5).default([]),
});
export const approveAdCopyBody = z.strictObject({ variantId: z.string().uuid() });
export const rejectAdCopyBody = z.strictObject({ feedback: z.string().trim().min(1).max(1000) });
/** The artist's words for a variant; fields left out keep theirs. Lengths are the linter's to judge (per platform). */
const copyText = z
  .string()
  .trim()
  .max(2000)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');
export const editAdCopyVariantBody = z
  .strictObject({ headline: copyText.optional(), primaryText: copyText.optional(), description: copyText.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give headline, primaryText or description');

// --- ad campaigns ------------------------------------------------------------------------------------------
const country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')
  .refine((c) => regionNames.of(c) !== c && c !== 'ZZ', 'is not a country code');

const common = {
  budget: z.strictObject({
    amount: z.number().int("must be a whole number of the currency's minor unit (cents)").positive().max(1e12),
    currency: z.string().refine(isIsoCurrency, 'must be an ISO 4217 currency code such as USD'),
  }),
  startAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  endAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  countries: z
    .array(country)
    .min(1)
    .max(50)
    .refine((l) => new Set(l).size === l.length, 'must not repeat a country'),
  copyVariantId: z.string().uuid().optional(),
};

/** A Google Ads customer id as the artist copies it (123-456-7890), stored as its ten digits. */
const googleCustomerId = (what: string) =>
  z
    .string()
    .regex(/^\d{3}-?\d{3}-?\d{4}$/, `must be ${what} such as 123-456-7890`)
    .transform((s) => s.replace(/-/g, ''));

export const createAdCampaignBody = z.discriminatedUnion('platform', [
  z.strictObject({
    platform: z.literal('meta'),
    ...common,
    objective: z.enum(['traffic', 'awareness', 'engagement']),
    adAccountId: z
      .string()
      .regex(/^(act_)?\d{1,20}$/, 'must be a Meta ad account id such as act_1234567890')
      .transform((s) => s.replace(/^act_/, '')),
    pageId: z.string().regex(/^\d{1,20}$/, 'must be the numeric id of the Facebook Page the ads run as'),
  }),
  z.strictObject({
    platform: z.literal('google'),
    ...common,
    objective: z.enum(['traffic', 'conversions']),
    customerId: googleCustomerId('a Google Ads customer id'),
    loginCustomerId: googleCustomerId('the manager account id').optional(),
    // Both default to the campaign's YouTube Premiere package, when it has one (a value given here wins).
    youtubeVideoId: z
      .string()
      .regex(/^[\w-]{11}$/, 'must be an 11-character YouTube video id')
      .optional(),
    countries: common.countries.optional(),
  }),
]);

export type CreateAdCampaignBody = z.infer<typeof createAdCampaignBody>;

// --- analytics ---------------------------------------------------------------------------------------------
const points = z.number().int().min(0).max(1_000_000);
export const eventValuesBody = z.strictObject({
  values: z.strictObject(
    Object.fromEntries(EVENT_TYPES.map((t) => [t, points.optional()])) as Record<
      (typeof EVENT_TYPES)[number],
      z.ZodOptional<typeof points>
    >,
  ),
});

const instant = z.iso.datetime({ offset: true });
/** The query as documented (OpenAPI); `analyticsQuery` adds defaults and the range checks. */
export const analyticsQueryShape = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  bucket: z.enum(['hour', 'day']).default('day'),
});

// --- meta pixel and conversions API token ------------------------------------------------------------------
export const metaPixelBody = z.strictObject({
  pixelId: z
    .string()
    .regex(/^[0-9]{5,20}$/, 'must be the numeric id of a Meta pixel (dataset), e.g. "1234567890123456"'),
  /** A Conversions API token (Events Manager → Settings → generate access token); null removes it, omitted keeps it. */
  accessToken: z
    .string()
    .min(20, 'does not look like a Meta access token')
    .max(1000)
    .regex(/^\S+$/, 'must not contain spaces')
    .nullable()
    .optional(),
  /** Events Manager's "Test events" code; events sent with it appear there only. */
  testEventCode: z
    .string()
    .regex(/^[A-Za-z0-9]{1,64}$/, 'must be letters and digits, e.g. TEST12345')
    .nullable()
    .optional(),
});

/**
 * Where Google Ads conversions of an artist go: the customer account, the manager it is reached through (if any),
 * and the conversion action (type "Import from clicks") created there, by resource name or id.
 */
export const googleConversionBody = z
  .strictObject({
    customerId: googleCustomerId('a Google Ads customer id'),
    loginCustomerId: googleCustomerId('the manager account id').nullable().optional(),
    conversionAction: z
      .string()
      .regex(
        /^(customers\/[0-9]{10}\/conversionActions\/)?[0-9]{1,20}$/,
        'must be the conversion action\'s id or resource name, e.g. "customers/1234567890/conversionActions/987654321"',
      ),
  })
  .transform((b, ctx) => {
    const id = b.conversionAction.split('/').pop()!;
    const resourceName = `customers/${b.customerId}/conversionActions/${id}`;
    if (b.conversionAction.includes('/') && b.conversionAction !== resourceName)
      ctx.addIssue({
        code: 'custom',
        path: ['conversionAction'],
        message: 'belongs to another customer than customerId',
      });
    return { ...b, conversionAction: resourceName };
  });

// --- Form bodies (application/x-www-form-urlencoded) of the pages' forms, documented in the OpenAPI doc too. ---

/** The fan's ad-measurement answer on the smart link; unknown click ids are dropped, not refused. */
export const adConsentForm = z.object({
  choice: z.enum(['allow', 'deny']),
  fbclid: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,500}$/)
    .optional()
    .catch(undefined),
  gclid: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,500}$/)
    .optional()
    .catch(undefined),
});

/** The smart link's subscribe form: an e-mail address or a phone number, and the explicit consent box. */
export const subscribeForm = z
  .object({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .max(320)
      .optional()
      .transform((v) => v || undefined)
      .pipe(z.email({ message: 'that e-mail address does not look right' }).optional()),
    phone: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v.replace(/[\s().-]/g, '') : undefined))
      .pipe(
        z
          .string()
          .regex(/^\+[1-9]\d{6,14}$/, 'give the phone number with its country code, e.g. +33612345678')
          .optional(),
      ),
    consent: z.literal('yes', { message: 'tick the box to agree to receive messages' }),
    /** the "remind me" form: also one message on release day, on `platform`, at the release in zone `tz` */
    remind: z.literal('yes').optional(),
    platform: z.enum(PLATFORMS).optional(),
    tz: z.string().max(64).optional(),
  })
  .refine((f) => f.email || f.phone, { message: 'give an e-mail address or a phone number' });

/** The deletion request of someone who gave only an e-mail address. */
export const deletionEmailForm = z.strictObject({ email: z.string().trim().toLowerCase().pipe(z.email()) });

/** Meta's data-deletion callback: the signed request naming the app-scoped Meta user. */
export const metaDataDeletionForm = z.object({ signed_request: z.string().min(1).max(4096) });

/** Dashboard sign-in (an artist API key) and where to return to; ops sign-in has no `next`. */
export const appSignInForm = z.object({ key: z.string().max(200), next: z.string().max(2100).optional() });
export const opsSignInForm = z.object({ key: z.string().max(200) });

/** The confirmation forms of a signed-in session (connect link, e-mail verification): its anti-forgery field. */
export const sessionConfirmForm = z.object({ csrf: z.string().max(200) });

/** Confirmation and unsubscribe links: the page's button posts nothing but its URL. */
export const emptyForm = z.object({});

/** POST /v1/ops/workflows/:workflowId/reset */
export const opsResetBody = z.strictObject({
  eventId: z.number().int().positive().optional(),
  reason: z.string().max(200).default('reset by ops'),
});

/** POST /v1/ops/workflows/:workflowId/signal: one of the documented signals, with at most one argument. */
export const opsSignalBody = z.strictObject({
  name: z.enum(['reschedule', 'cancel', 'presaveAdded', 'disconnect']),
  args: z.array(z.unknown()).max(1).default([]),
});

// --- platform links ----------------------------------------------------------------------------------------

/**
 * PUT /v1/campaigns/:id/links: the release's link per platform, in the order the page shows them; "auto" asks
 * dropday to fill it from its catalog lookup (Spotify, Apple Music). Each URL must be https on that platform's own
 * hosts (lib/platforms/catalog.ts).
 */
export const platformLinksBody = z.strictObject({
  links: z
    .array(
      z
        .strictObject({
          platform: z.enum(PLATFORMS),
          url: z.union([z.literal('auto'), z.string().trim().min(1).max(500)]),
        })
        .superRefine((link, ctx) => {
          if (link.url === 'auto') {
            if (!FILLABLE_PLATFORMS.includes(link.platform))
              ctx.addIssue({
                code: 'custom',
                path: ['url'],
                message: `dropday cannot fill ${link.platform}: give its URL (auto works for ${FILLABLE_PLATFORMS.join(', ')})`,
              });
            return;
          }
          const problem = platformUrlProblem(link.platform, link.url);
          if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: `${link.platform} link ${problem}` });
        }),
    )
    .max(PLATFORMS.length)
    .refine((links) => new Set(links.map((l) => l.platform)).size === links.length, {
      message: 'each platform at most once',
    }),
  /** the release's Spotify Countdown Page (open.spotify.com), shown before release; null removes it */
  spotifyCountdownUrl: z
    .string()
    .trim()
    .max(500)
    .refine((url) => platformUrlProblem('spotify', url) === null, 'must be an https link on open.spotify.com')
    .nullable()
    .optional(),
});

/** GET /l/:slug/go/:platform: the visit's source (see api/tracking.ts) and the fan's "remember my choice". */
export const platformGoQuery = z.object({ remember: z.literal('1').optional() }).catchall(z.string().max(500));

/** The smart link's Apple Music pre-add: the Music-User-Token MusicKit gave the fan's browser, and the fan's zone. */
export const appleMusicPresaveBody = z.strictObject({
  musicUserToken: z.string().min(16).max(4096),
  timeZone: z.string().max(64).optional(),
  /** the page's "also save this artist's next releases" box, ticked (docs/forever-save.md) */
  foreverSave: z.boolean().optional(),
});

// --- instagram (docs/instagram.md) ----------------------------------------------------------------------------

const publicUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => u.startsWith('https://'), 'must be a public https URL (Instagram fetches it)');
/** Instagram's caption limits: 2,200 characters, 30 hashtags, 20 @-mentions (docs/providers/instagram.md). */
export const instagramCaption = z
  .string()
  .min(1)
  .max(2200, 'Instagram captions are at most 2,200 characters')
  .refine((c) => (c.match(/#[\p{L}\p{N}_]/gu) ?? []).length <= 30, 'Instagram allows at most 30 hashtags')
  .refine((c) => (c.match(/@[\w.]/g) ?? []).length <= 20, 'Instagram allows at most 20 @-mentions');

export const instagramMediaBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('image'), imageUrl: publicUrl, altText: z.string().max(1000).optional() }),
  z.strictObject({ kind: z.literal('reel'), videoUrl: publicUrl, coverUrl: publicUrl.optional() }),
  z.strictObject({ kind: z.literal('carousel'), imageUrls: z.array(publicUrl).min(2).max(10) }),
]);

export const createInstagramPostBody = z
  .strictObject({
    connectionId: z.string().uuid(),
    media: instagramMediaBody,
    caption: instagramCaption,
    /** a comment containing it gets one private reply: replyText and the smart link */
    keyword: z.string().trim().min(1).max(50).optional(),
    replyText: z.string().max(600).optional(),
  })
  .refine((b) => !b.replyText || b.keyword, { message: 'replyText needs a keyword', path: ['replyText'] });

/** Ask the AI copy writer (or the template writer) for caption drafts of a post (docs/instagram.md). */
export const createCaptionDraftBody = z.strictObject({
  variants: z.number().int().min(1).max(MAX_VARIANTS).default(3),
  explicit: z.boolean().default(false),
  genres: z.array(z.string().trim().min(1).max(40)).max(5).default([]),
});
/** The artist's own wording of a draft: checked by the caption linter (limits, smart link, policy) when stored. */
export const editCaptionDraftBody = z.strictObject({
  variantId: z.string().uuid(),
  caption: z.string().trim().min(1).max(4000),
});

export const instagramInboxQuery = z.strictObject({
  kind: z.enum(['comment', 'message']).optional(),
  connectionId: z.string().uuid().optional(),
  campaignId: z.string().uuid().optional(),
  postId: z.string().uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A reply, private reply or direct message: Instagram takes at most 1,000 bytes of text. */
export const instagramTextBody = z.strictObject({
  text: z
    .string()
    .min(1)
    .refine((t) => Buffer.byteLength(t) <= 1000, 'at most 1,000 bytes'),
});

export const instagramHideBody = z.strictObject({ hidden: z.boolean() });

export const instagramWebhookHandshake = z.object({
  'hub.mode': z.string().max(50).optional(),
  'hub.challenge': z.string().max(100).optional(),
  'hub.verify_token': z.string().max(500).optional(),
});
