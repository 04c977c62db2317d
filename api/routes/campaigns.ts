import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import {
  type Campaign,
  cancelCampaign,
  deleteCampaign,
  findCampaign,
  insertCampaign,
  isKnownTimeZone,
  listCampaignsPage,
  rescheduleCampaign,
} from '../../db/campaigns';
import { findArtist } from '../../db/artists';
import { listPresaves, type PresaveProgress, presaveProgress, tokenLedger } from '../../db/presaves';
import { type DatabasePool } from '../../db/pool';
import { auth } from '../auth';
import { orderSessionOfCampaign } from '../../db/billing';
import { signalOrder } from '../../lib/starters/order';
import { admitCampaign } from '../plan-gate';
import { type AppDeps } from '../deps';
import { adCampaignsFollowRelease } from '../ad-campaigns-follow-release';
import { instagramPostsFollowRelease } from '../instagram-posts';
import { ApiError, notFound } from '../errors';
import { campaignListQuery, createCampaignBody, presaveListQuery, rescheduleCampaignBody, uuidParam } from '../schemas';
import { parseBody, parseParams, parseQuery } from '../validation';

export function campaignRoutes({ pool, config, releaseEngine, logger, temporal }: AppDeps): Router {
  const router = Router();

  /** A campaign paid for by a package changed (rescheduled, cancelled): its order looks again. */
  const nudgeOrderOf = async (campaignId: string) => {
    const checkoutSessionId = await orderSessionOfCampaign(pool, campaignId);
    if (checkoutSessionId) await signalOrder(temporal, logger, { checkoutSessionId, what: 'campaignChanged' });
  };

  const present = async (campaign: Campaign) => presentWith(campaign, await presaveProgress(pool, campaign.id));

  const presentWith = (campaign: Campaign, progress: PresaveProgress) => {
    return {
      id: campaign.id,
      artistId: campaign.artistId,
      title: campaign.title,
      upc: campaign.upc,
      isrc: campaign.isrc,
      releaseDate: campaign.releaseDate,
      releaseTime: campaign.releaseTime,
      releasePolicy: campaign.releasePolicy,
      timeZone: campaign.timeZone,
      followArtist: campaign.followArtist,
      platforms: campaign.platforms,
      slug: campaign.slug,
      landingUrl: `${config.PUBLIC_URL}/l/${campaign.slug}`,
      status: campaign.status,
      resolution: campaign.resolution,
      spotifyAlbumId: campaign.spotifyAlbumId,
      releaseAt: new Date(campaign.releaseAt).toISOString(),
      presavesCloseAt: new Date(campaign.closesAt).toISOString(),
      progress: {
        total: progress.total,
        pending: progress.pending,
        done: progress.done,
        failed: progress.failed,
        revoked: progress.revoked,
        cancelled: progress.cancelled,
        /** of the total, fans enrolled by their forever-save with the artist, without a visit */
        foreverSave: progress.foreverSave,
      },
      nextWaveAt: progress.nextDueAt === null ? null : new Date(progress.nextDueAt).toISOString(),
      createdAt: new Date(campaign.createdAt).toISOString(),
    };
  };

  const owned = async (accountId: string, id: string) => {
    const campaign = await findCampaign(pool, accountId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  };

  router.post('/v1/campaigns', async (req, res) => {
    const body = parseBody(createCampaignBody, req);
    const { accountId } = auth(res);
    if (!(await findArtist(pool, accountId, body.artistId))) {
      throw new ApiError(400, 'validation_failed', 'invalid request body', [
        { path: 'artistId', message: 'no such artist in this account' },
      ]);
    }
    await assertTimeZone(pool, body.timeZone);
    // Committed before the workflow starts (its first activity reads it); undone if the start fails, so there is
    // never a campaign without its workflow.
    // Plan limits are checked in the insert's transaction (a refused campaign is never committed).
    const { campaign, checkoutSessionId } = await pool.transaction(async (tx) => {
      const created = await insertCampaign(tx, { ...body, accountId, slug: slugFor(body.title) });
      return { campaign: created, ...(await admitCampaign(tx, config, accountId, created.id)) };
    });
    try {
      await releaseEngine.start(campaign);
    } catch (error) {
      await deleteCampaign(pool, campaign.id);
      throw error;
    }
    if (checkoutSessionId) await signalOrder(temporal, logger, { checkoutSessionId, what: 'campaignAttached' });
    res.status(201).json(await present(campaign));
  });

  // Cursor-paginated, newest first; one query per page, progress included.
  router.get('/v1/campaigns', async (req, res) => {
    const query = parseQuery(campaignListQuery, req);
    const rows = await listCampaignsPage(pool, {
      accountId: auth(res).accountId,
      after: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    res.json({
      items: page.map((c) => presentWith(c, c.progress)),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ createdAtKey: last.createdAtKey, id: last.id }) : null,
    });
  });

  router.get('/v1/campaigns/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    res.json(await present(await owned(auth(res).accountId, id)));
  });

  router.patch('/v1/campaigns/:id', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await owned(auth(res).accountId, id);
    const body = parseBody(rescheduleCampaignBody, req);
    if (campaign.status === 'cancelled' || campaign.status === 'completed') {
      throw new ApiError(409, 'campaign_closed', `a ${campaign.status} campaign cannot be rescheduled`);
    }
    if (body.timeZone) await assertTimeZone(pool, body.timeZone);
    await pool.transaction((tx) =>
      rescheduleCampaign(tx, id, {
        releaseDate: body.releaseDate ?? campaign.releaseDate,
        releaseTime: body.releaseTime ?? campaign.releaseTime,
        timeZone: body.timeZone ?? campaign.timeZone,
      }),
    );
    // After the commit, so the workflow re-reads the new schedule. Were the signal lost, the workflow re-reads
    // its plan on its own within replanEveryMs.
    await signalSoon(() => releaseEngine.reschedule(id));
    await nudgeOrderOf(id);
    await signalSoon(() => adCampaignsFollowRelease(temporal, pool, id, 'rescheduled'));
    await signalSoon(() => instagramPostsFollowRelease(temporal, pool, id, 'rescheduled'));
    res.json(await present((await findCampaign(pool, campaign.accountId, id))!));
  });

  router.post('/v1/campaigns/:id/cancel', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    const campaign = await owned(auth(res).accountId, id);
    if (campaign.status === 'completed')
      throw new ApiError(409, 'campaign_closed', 'a completed campaign cannot be cancelled');
    if (campaign.status !== 'cancelled') {
      await pool.transaction((tx) => cancelCampaign(tx, id));
      await signalSoon(() => releaseEngine.cancel(id));
      await nudgeOrderOf(id);
      await signalSoon(() => adCampaignsFollowRelease(temporal, pool, id, 'cancelled'));
      await signalSoon(() => instagramPostsFollowRelease(temporal, pool, id, 'cancelled'));
    }
    res.json(await present((await findCampaign(pool, campaign.accountId, id))!));
  });

  router.get('/v1/campaigns/:id/ledger', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await owned(auth(res).accountId, id);
    res.json(await tokenLedger(pool, id));
  });

  router.get('/v1/campaigns/:id/presaves', async (req, res) => {
    const { id } = parseParams(uuidParam, req);
    await owned(auth(res).accountId, id);
    const query = parseQuery(presaveListQuery, req);
    const rows = await listPresaves(pool, {
      campaignId: id,
      status: query.status,
      platform: query.platform,
      after: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    res.json({
      items: page.map((p) => ({
        id: p.id,
        platform: p.platform,
        status: p.status,
        dueAt: new Date(p.dueAt).toISOString(),
        executedAt: p.executedAt === null ? null : new Date(p.executedAt).toISOString(),
        ...(p.reason ? { reason: p.reason } : {}),
      })),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor({ createdAtKey: last.createdAtKey, id: last.id }) : null,
    });
  });

  /** The database holds the truth; a signal only saves the workflow a wait. Log, don't fail, when it is lost. */
  async function signalSoon(signal: () => Promise<void>): Promise<void> {
    await signal().catch((error: unknown) =>
      logger.warn({ err: error }, 'could not signal the release workflow; it will re-plan on its own'),
    );
  }

  return router;
}

async function assertTimeZone(pool: DatabasePool, zone: string): Promise<void> {
  if (!(await isKnownTimeZone(pool, zone))) {
    throw new ApiError(400, 'validation_failed', 'invalid request body', [
      { path: 'timeZone', message: `unknown IANA time zone ${zone}` },
    ]);
  }
}

function slugFor(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${base || 'release'}-${randomBytes(4).toString('hex')}`;
}

function encodeCursor(c: { createdAtKey: string; id: string }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAtKey: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { createdAtKey?: unknown; id?: unknown };
    const timestamp = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
    if (
      typeof c.createdAtKey === 'string' &&
      typeof c.id === 'string' &&
      /^[0-9a-f-]{36}$/.test(c.id) &&
      timestamp.test(c.createdAtKey)
    ) {
      return { createdAtKey: c.createdAtKey, id: c.id };
    }
  } catch {
    // fall through
  }
  throw new ApiError(400, 'invalid_cursor', 'cursor is not one this API returned');
}
