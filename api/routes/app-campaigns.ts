// The artist app's release pages (api/pages/app-campaigns.ts): read with the same db functions as /v1, scoped by
// the session's account (another account's campaign is "not found"); the changes themselves go to /v1 from
// /app/setup.js with the session's X-CSRF-Token, where viewers are refused (api/app-session.ts).
import { type Request, type Response, Router } from 'express';
import { listArtists } from '../../db/artists';
import { findCampaign } from '../../db/campaigns';
import { deliveredWithin, failureReasons, remindersSent } from '../../db/delivery-summary';
import { campaignNotifications } from '../../db/notifications';
import { listPresaves, presaveProgress, tokenLedger } from '../../db/presaves';
import { type AppPageKit, mayChange } from '../app-page-kit';
import { campaignPhase, deliveryEtaMs } from '../campaign-phase';
import { sessionCsrf } from '../app-session';
import { type AppDeps } from '../deps';
import { artistsPage, campaignPage, newCampaignPage } from '../pages/app-campaigns';
import { setupScript } from '../pages/app-setup-script';
import { messagePage } from '../pages/smart-link';
import { presaveExportQuery } from '../schemas';
import { releasePause } from '../../lib/starters/release';

const UUID = /^[0-9a-f-]{36}$/;
/** The window whose deliveries give the pace for the ETA. */
const PACE_WINDOW_MS = 30_000;
const ALERT_WORDS: Record<string, string> = {
  release_unresolved:
    'The release is close and the catalogue still does not list it by this UPC/ISRC. Check the identifiers with your distributor.',
  connection_needs_reconnect: 'A connected account needs to be connected again.',
};

export function appCampaignRoutes({ pool, config, temporal }: AppDeps, kit: AppPageKit): Router {
  const router = Router();
  const { send, keys } = kit;

  /** The signed-in session and its page field, or a redirect to sign-in (and null). */
  async function signedIn(req: Request, res: Response) {
    const session = await kit.session(req);
    if (!session) {
      res.redirect(303, '/app');
      return null;
    }
    return { session, csrf: sessionCsrf(keys, req)! };
  }

  router.get('/app/artists', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const artists = await listArtists(pool, s.session.accountId);
    send(res, 200, artistsPage({ csrf: s.csrf, artists, canChange: mayChange(s.session, 'manager') }));
  });

  router.get('/app/campaigns/new', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    if (!mayChange(s.session, 'manager'))
      return send(
        res,
        403,
        messagePage('Viewers cannot create campaigns', 'Ask an owner of the account for the manager role.'),
      );
    const artists = await listArtists(pool, s.session.accountId);
    send(res, 200, newCampaignPage({ csrf: s.csrf, artists, publicUrl: config.PUBLIC_URL }));
  });

  router.get('/app/campaigns/:id', async (req, res) => {
    const s = await signedIn(req, res);
    if (!s) return;
    const id = String(req.params.id);
    const campaign = UUID.test(id) ? await findCampaign(pool, s.session.accountId, id) : null;
    if (!campaign) return send(res, 404, messagePage('Campaign not found', 'This account has no such campaign.'));
    const query = presaveExportQuery.safeParse(req.query);
    const filter = query.success ? query.data.status : undefined;
    const notifications = await campaignNotifications(pool, { accountId: s.session.accountId, campaignId: id });
    const progress = await presaveProgress(pool, id);
    const now = Date.now();
    const phase = campaignPhase(campaign, progress, now);
    const pace = phase === 'delivering' ? await deliveredWithin(pool, { campaignId: id, windowMs: PACE_WINDOW_MS }) : 0;
    const pause = phase === 'delivering' ? await releasePause(temporal, id) : null;
    send(
      res,
      200,
      campaignPage({
        csrf: s.csrf,
        campaign,
        progress,
        phase,
        now,
        etaMs: deliveryEtaMs(progress.dueNow, pace, PACE_WINDOW_MS),
        pause,
        failures: phase === 'delivered' || phase === 'cancelled' ? await failureReasons(pool, id) : [],
        remindersSent: await remindersSent(pool, id),
        ledger: await tokenLedger(pool, id),
        presaves: await listPresaves(pool, { campaignId: id, status: filter, limit: 200 }),
        filter,
        canChange: mayChange(s.session, 'manager'),
        landingUrl: `${config.PUBLIC_URL}/l/${campaign.slug}`,
        alerts: notifications.map((n) => ALERT_WORDS[n.kind] ?? n.kind),
      }),
    );
  });

  router.get('/app/setup.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-cache').send(setupScript);
  });

  return router;
}
