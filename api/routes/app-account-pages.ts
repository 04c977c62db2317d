// The artist app's billing and privacy pages (api/pages/app-billing.ts, app-privacy.ts): read with the db functions
// behind GET /v1/billing and the account's deletion, scoped by the session's account. Their buttons send to
// /v1/billing/* and DELETE /v1/accounts/me, where only an owner is let through (api/write-roles.ts).
import { type Request, type Response, Router } from 'express';
import { listArtistKeys } from '../../db/accounts';
import { adCampaignsOfAccount } from '../../db/ad-campaigns';
import { listArtists } from '../../db/artists';
import { accountBilling, planUsage } from '../../db/billing';
import { listCampaignsPage } from '../../db/campaigns';
import { listConnections } from '../../db/connections';
import { listMembers } from '../../db/members';
import { findAccount } from '../../db/accounts';
import { PLANS } from '../../lib/billing/plans';
import { billingEnabled, subscriptionEnded } from '../../lib/billing/stripe';
import { type AppPageKit, mayChange } from '../app-page-kit';
import { sessionCsrf } from '../app-session';
import { type AppDeps } from '../deps';
import { billingPage } from '../pages/app-billing';
import { privacyPage } from '../pages/app-privacy';
import { messagePage } from '../pages/smart-link';

/** Campaigns the privacy page lists (the export itself lists up to its own bound). */
const LISTED_CAMPAIGNS = 200;

export function appAccountPageRoutes({ pool, config, keyRing }: AppDeps, kit: AppPageKit): Router {
  const router = Router();

  async function signedIn(req: Request, res: Response) {
    const session = await kit.session(req);
    if (!session) res.redirect(303, '/app');
    return session ? { session, csrf: sessionCsrf(kit.keys, req)! } : null;
  }

  router.get('/app/billing', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const [billing, usage] = await Promise.all([
      accountBilling(pool, s.session.accountId),
      planUsage(pool, s.session.accountId),
    ]);
    kit.send(
      res,
      200,
      billingPage({
        csrf: s.csrf,
        enabled: billingEnabled(config),
        billing,
        usage,
        isOwner: mayChange(s.session, 'owner'),
      }),
    );
  });

  router.get('/app/privacy', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const accountId = s.session.accountId;
    const account = await findAccount(pool, accountId);
    if (!account) return kit.send(res, 404, messagePage('Account gone', 'This account is being deleted.'));
    const [campaigns, artists, members, keys, connections, ads, billing] = await Promise.all([
      listCampaignsPage(pool, { accountId, limit: LISTED_CAMPAIGNS }),
      listArtists(pool, accountId),
      listMembers(pool, keyRing, accountId),
      listArtistKeys(pool, accountId),
      listConnections(pool, accountId),
      adCampaignsOfAccount(pool, accountId),
      accountBilling(pool, accountId),
    ]);
    const subscribed = billing.stripeSubscriptionId !== null && !subscriptionEnded(billing.subscriptionStatus);
    kit.send(
      res,
      200,
      privacyPage({
        csrf: s.csrf,
        accountName: account.name,
        isOwner: mayChange(s.session, 'owner'),
        campaigns,
        artists: artists.length,
        members: members.length,
        apiKeys: keys.length,
        connections: connections.length,
        openAds: ads.filter((a) => ['creating', 'scheduled', 'active'].includes(a.state)).length,
        subscription: subscribed ? PLANS[billing.tier].name : null,
      }),
    );
  });

  return router;
}
