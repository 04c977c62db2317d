// A fan stopping their forever-save with one artist (docs/forever-save.md): the signed stop link's page (a button,
// since mail scanners follow links) and its POST, which stops the opt-in and drops the pre-saves it made that are not
// delivered yet. Unauthenticated: the signed token is the proof, and the POST is rate limited (api/rate-limit.ts).
import { Router } from 'express';
import { findForeverSaveArtist, stopForeverSave } from '../../db/forever-saves';
import { FOREVER_SAVE_STOP_PATH, foreverSaveOfStopToken } from '../../lib/crypto/forever-save-stop-link';
import { type AppDeps } from '../deps';
import { FOREVER_SAVE_TEXT } from '../../lib/forever-save-text';
import { foreverSaveStopPage } from '../pages/forever-save';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';

export function foreverSaveRoutes({ pool, config }: AppDeps): Router {
  const router = Router();
  const t = FOREVER_SAVE_TEXT;
  const invalid = (res: Parameters<typeof sendPage>[0]) =>
    sendPage(res, 400, messagePage(t.invalidTitle, t.invalid), { 'Cache-Control': 'private, no-store' });

  router.get(`${FOREVER_SAVE_STOP_PATH}/:token`, async (req, res) => {
    const id = foreverSaveOfStopToken(config, String(req.params.token));
    const artistName = id && (await findForeverSaveArtist(pool, id));
    if (!artistName) return invalid(res);
    sendPage(res, 200, foreverSaveStopPage(artistName, `${FOREVER_SAVE_STOP_PATH}/${req.params.token}`), {
      'Cache-Control': 'private, no-store',
    });
  });

  router.post(`${FOREVER_SAVE_STOP_PATH}/:token`, async (req, res) => {
    const id = foreverSaveOfStopToken(config, String(req.params.token));
    const artistName = id && (await pool.transaction((tx) => stopForeverSave(tx, id)));
    if (!artistName) return invalid(res);
    sendPage(res, 200, messagePage(t.stoppedTitle, t.stopped(artistName)), { 'Cache-Control': 'private, no-store' });
  });

  return router;
}
