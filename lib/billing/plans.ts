// Plans and shop packages: what each tier allows and what it costs. Defaults in code, documented in the README
// ("Billing"); amounts are in the currency's minor unit (cents).

export const TIERS = ['free', 'pro', 'label'] as const;
export type Tier = (typeof TIERS)[number];
export const PAID_TIERS = ['pro', 'label'] as const;
export type PaidTier = (typeof PAID_TIERS)[number];

export const CURRENCIES = ['eur', 'usd', 'gbp'] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface PlanLimits {
  /** campaigns scheduled or releasing at once (package credits add one each) */
  activeCampaigns: number;
  /** the consented-subscriber CSV export */
  fanExport: boolean;
  /** ads created and launched by dropday */
  adAutomation: boolean;
}
export type PlanFeature = 'fanExport' | 'adAutomation';

export interface Plan {
  tier: Tier;
  name: string;
  limits: PlanLimits;
  /** per month; free has none */
  monthlyPrice: Record<Currency, number> | null;
}

export const PLANS: Record<Tier, Plan> = {
  free: {
    tier: 'free',
    name: 'Free',
    limits: { activeCampaigns: 1, fanExport: false, adAutomation: false },
    monthlyPrice: null,
  },
  pro: {
    tier: 'pro',
    name: 'Pro',
    limits: { activeCampaigns: 10, fanExport: true, adAutomation: true },
    monthlyPrice: { eur: 1900, usd: 1900, gbp: 1600 },
  },
  label: {
    tier: 'label',
    name: 'Label',
    limits: { activeCampaigns: 100, fanExport: true, adAutomation: true },
    monthlyPrice: { eur: 7900, usd: 7900, gbp: 6900 },
  },
};

export interface ShopPackage {
  id: string;
  name: string;
  description: string;
  price: Record<Currency, number>;
}

/** One-time campaign packages: each provisions one package credit for one campaign (see db/billing.ts). */
export const PACKAGES: Record<string, ShopPackage> = {
  'release-boost': {
    id: 'release-boost',
    name: 'Release Boost',
    description: 'One more release campaign with ad automation',
    price: { eur: 4900, usd: 4900, gbp: 4200 },
  },
  'youtube-premiere': {
    id: 'youtube-premiere',
    name: 'YouTube Premiere',
    description: 'One release campaign with ad automation promoting your YouTube video in your target countries',
    price: { eur: 14900, usd: 14900, gbp: 12900 },
  },
};
export const PACKAGE_IDS = Object.keys(PACKAGES) as [string, ...string[]];
/** The package whose order names a YouTube video and countries: its campaign's Google ads default to them. */
export const YOUTUBE_PREMIERE = 'youtube-premiere';

export const isPaidTier = (value: unknown): value is PaidTier =>
  typeof value === 'string' && (PAID_TIERS as readonly string[]).includes(value);
