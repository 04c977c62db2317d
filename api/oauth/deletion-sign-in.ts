// What the fans' Spotify callback does for a deletion request: the sign-in proved the fan holds the account; find
// the fan it belongs to and start erasing (the request is tracked by an unguessable id, shown without personal data).
import { type Response } from 'express';
import { createDeletionRequest } from '../../db/deletion';
import { findFanIdByProviderUser } from '../../db/fans';
import { startFanDeletion } from '../../lib/starters/fan-deletion';
import { type AppDeps } from '../deps';
import { messagesFor } from '../../lib/i18n';
import { carriedLanguage, withLanguage } from '../http/fan-language';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';
import { type CompletedSignIn } from './spotify-fan-sign-in';

/** The callback's deletion branch: find the fan the Spotify account belongs to and start erasing. */
export function createDeletionRequester({ pool, temporal, config }: AppDeps) {
  return async (signedIn: CompletedSignIn, res: Response): Promise<void> => {
    const language = carriedLanguage(res.req, signedIn.lang);
    const fan = { language, path: '/privacy/delete' };
    const t = messagesFor(signedIn.lang).privacy;
    if (!signedIn.grant) return void sendPage(res, 200, messagePage(t.nothingDeleted, t.notSignedIn, fan));
    const fanId = await findFanIdByProviderUser(pool, 'spotify', signedIn.grant.accountId);
    if (!fanId) return void sendPage(res, 200, messagePage(t.nothingToDelete, t.noDataForAccount, fan));
    const requestId = await createDeletionRequest(pool, { fanId, verifiedBy: 'spotify_login' });
    await startFanDeletion(temporal, config.TEMPORAL_TASK_QUEUE, { requestId, fanId });
    res.redirect(303, withLanguage(`/privacy/deletion/${requestId}`, language));
  };
}
