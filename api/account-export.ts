// The account's own data, as one JSON document (GET /v1/accounts/me/export, the app's privacy page): the account and
// its members, API keys (names, never the keys), plan, artists, campaigns with their delivery counts, connections
// (state, never tokens), ad copy that was approved and ad campaigns with their totals. Fans are people of their own
// (they export and delete through the smart link's privacy page), so only counts of them are here; the consented
// subscribers of a campaign are GET /v1/campaigns/:id/fans.csv.
import { findAccount, listArtistKeys } from '../db/accounts';
import { insightTotals, listAdCampaigns } from '../db/ad-campaigns';
import { listAdCopyRequests } from '../db/ad-copy';
import { listArtists } from '../db/artists';
import { accountBilling } from '../db/billing';
import { listCampaignsPage } from '../db/campaigns';
import { listConnections } from '../db/connections';
import { listMembers } from '../db/members';
import { type AppDeps } from './deps';

/** Campaigns an export lists at most (the API pages beyond that). */
const MAX_CAMPAIGNS = 1000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function accountExport({ pool, keyRing }: Pick<AppDeps, 'pool' | 'keyRing'>, accountId: string) {
  const account = await findAccount(pool, accountId);
  if (!account) return null;
  const [members, keys, billing, artists, campaigns, connections] = await Promise.all([
    listMembers(pool, keyRing, accountId),
    listArtistKeys(pool, accountId),
    accountBilling(pool, accountId),
    listArtists(pool, accountId),
    listCampaignsPage(pool, { accountId, limit: MAX_CAMPAIGNS }),
    listConnections(pool, accountId),
  ]);
  const campaignData = [];
  for (const c of campaigns) {
    const [copy, ads] = await Promise.all([listAdCopyRequests(pool, c.id), listAdCampaigns(pool, c.id)]);
    campaignData.push({
      id: c.id,
      artistId: c.artistId,
      title: c.title,
      upc: c.upc,
      isrc: c.isrc,
      releaseDate: c.releaseDate,
      releaseTime: c.releaseTime,
      timeZone: c.timeZone,
      releasePolicy: c.releasePolicy,
      status: c.status,
      slug: c.slug,
      presaves: c.progress,
      approvedAdCopy: copy.flatMap(({ request, variants }) =>
        variants
          .filter((v) => v.approvedAt !== null)
          .map((v) => ({
            platform: request.platform,
            headline: v.headline,
            primaryText: v.primaryText,
            description: v.description,
            approvedAt: iso(v.approvedAt),
          })),
      ),
      adCampaigns: await Promise.all(
        ads.map(async (ad) => ({
          id: ad.id,
          platform: ad.platform,
          state: ad.state,
          budget: { amount: ad.budgetMinor, currency: ad.currency },
          countries: ad.countries,
          endAt: iso(ad.endAt),
          totals: await insightTotals(pool, ad.id),
        })),
      ),
    });
  }
  return {
    exportedAt: new Date().toISOString(),
    account: {
      id: account.id,
      name: account.name,
      email: account.email,
      emailVerifiedAt: iso(account.emailVerifiedAt),
    },
    plan: { tier: billing.tier, subscriptionStatus: billing.subscriptionStatus },
    members: members.map((m) => ({
      email: m.email,
      role: m.role,
      state: m.passwordHash === null ? 'invited' : 'active',
      createdAt: iso(m.createdAt),
    })),
    apiKeys: keys.map((k) => ({ name: k.name, createdAt: iso(k.createdAt) })),
    artists: artists.map((a) => ({ id: a.id, name: a.name, spotifyArtistId: a.spotifyArtistId })),
    campaigns: campaignData,
    connections: connections.map((c) => ({
      provider: c.provider,
      status: c.status,
      username: c.displayName,
      createdAt: iso(c.createdAt),
    })),
  };
}
