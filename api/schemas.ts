// Request bodies of the public API. Shared by validation and the OpenAPI document.
import { z } from 'zod';
import { CURRENCIES, PACKAGE_IDS, PAID_TIERS } from '../lib/billing/plans';

const name = z.string().trim().min(1).max(200);

export const createAccountBody = z.strictObject({
  name,
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320)),
});

export const createArtistBody = z.strictObject({
  name,
  spotifyArtistId: z.string().regex(/^[0-9A-Za-z]{22}$/, 'must be a 22-character Spotify id').optional(),
  appleMusicArtistId: z.string().regex(/^[0-9]{1,20}$/, 'must be a numeric Apple Music id').optional(),
});

export const uuidParam = z.object({ id: z.string().uuid() });

// --- campaigns ---------------------------------------------------------------------------------------------

/** UPC-A (12 digits) or EAN-13, with a valid GS1 check digit. */
export function isValidUpc(code: string): boolean {
  if (!/^\d{12,13}$/.test(code)) return false;
  const digits = code.split('').map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

const releaseDate = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
const releaseTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM or HH:MM:SS (24-hour)')
  .transform((t) => (t.length === 5 ? `${t}:00` : t));
// Checked against PostgreSQL's IANA database by the route, since that is where due instants are computed.
const timeZone = z.string().min(1).max(64).regex(/^[A-Za-z0-9_+\-/]+$/, 'must be an IANA time zone such as Europe/Paris');

export const createCampaignBody = z
  .strictObject({
    artistId: z.string().uuid(),
    title: z.string().trim().min(1).max(200),
    upc: z.string().trim().refine(isValidUpc, 'must be a 12-digit UPC or 13-digit EAN with a valid check digit').optional(),
    isrc: z
      .string()
      .trim()
      .transform((s) => s.replace(/-/g, '').toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, 'must be an ISRC such as USRC17607839'))
      .optional(),
    releaseDate,
    releaseTime: releaseTime.default('00:00:00'),
    releasePolicy: z.enum(['local', 'global']),
    timeZone,
    followArtist: z.boolean().default(true),
    platforms: z.array(z.enum(['spotify'], { message: 'supported platforms: spotify' })).min(1).max(1).default(['spotify']),
  })
  .refine((b) => b.upc !== undefined || b.isrc !== undefined, { message: 'upc or isrc is required', path: ['upc'] });

export const rescheduleCampaignBody = z
  .strictObject({ releaseDate: releaseDate.optional(), releaseTime: releaseTime.optional(), timeZone: timeZone.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'give releaseDate, releaseTime or timeZone' });

export const presaveListQuery = z.strictObject({
  status: z.enum(['pending', 'running', 'done', 'failed', 'revoked', 'cancelled']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// --- billing ----------------------------------------------------------------------------------------------

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** ISO 3166-1 alpha-2, known to the ICU region list (an unknown code is echoed back by DisplayNames). */
const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
  .refine((code) => regionNames.of(code) !== code, 'is not a known country code');

const youtubeUrl = z
  .string()
  .trim()
  .max(500)
  .pipe(z.url({ protocol: /^https$/, hostname: /^(www\.|m\.|music\.)?youtube\.com$|^youtu\.be$/, message: 'must be an https YouTube link' }));

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
  z.strictObject({
    kind: z.literal('package'),
    packageId: z.enum(PACKAGE_IDS),
    currency: z.enum(CURRENCIES),
    /** the buyer's address when not signed in (Stripe asks for one otherwise) */
    email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320)).optional(),
    youtubeUrl: youtubeUrl.optional(),
    targetCountries: z.array(countryCode).min(1).max(50).transform((codes) => [...new Set(codes)]).optional(),
    attribution: attributionParams.optional(),
  }),
]);
export type CheckoutBody = z.infer<typeof checkoutBody>;
