// Every OAuth callback, in one place: providers send the browser back here with a code and the state we issued.
// Each handler calls the one function that does the work and answers with a page.
//   /oauth/spotify/callback                      fans' Spotify sign-in: a pre-save or a deletion request
//   /oauth/google/callback, /oauth/meta/callback, /oauth/spotify-artist/callback   artists' connections
import { type Response, Router } from 'express';
import { sendPage } from '../pages/send-page';
import { messagePage } from '../pages/smart-link';
import {
  type ArtistConnections,
  CONNECTION_PROVIDERS,
  type ConnectOutcome,
  connectionCallbackPath,
  connectionCallbackQuery,
} from '../oauth/artist-connections';
import { type CompletedSignIn, FAN_SIGN_IN_CALLBACK_PATH, type SpotifySignIn } from '../oauth/spotify-fan-sign-in';

type SignInCompletion = (signedIn: CompletedSignIn, res: Response) => Promise<void>;

export interface OAuthFlows {
  signIn: SpotifySignIn;
  completePresave: SignInCompletion;
  requestDeletion: SignInCompletion;
  connections: ArtistConnections;
}

export function oauthCallbackRoutes(flows: OAuthFlows): Router {
  const router = Router();

  router.get(FAN_SIGN_IN_CALLBACK_PATH, async (req, res) => {
    const signedIn = await flows.signIn.finish(req, res);
    if (!signedIn) return; // a page saying what went wrong was sent
    await (signedIn.purpose === 'presave' ? flows.completePresave : flows.requestDeletion)(signedIn, res);
  });

  for (const provider of CONNECTION_PROVIDERS) {
    router.get(connectionCallbackPath(provider), async (req, res) => {
      const query = connectionCallbackQuery.safeParse(req.query);
      const result: ConnectOutcome = query.success
        ? await flows.connections.complete(provider, query.data, req.get('cookie'), res)
        : { outcome: 'refused' };
      sendConnectPage(res, result);
    });
  }

  return router;
}

function sendConnectPage(res: Response, result: ConnectOutcome) {
  switch (result.outcome) {
    case 'refused':
      return sendPage(
        res,
        400,
        messagePage(
          'Connection failed',
          'This connection link is not valid, expired or was already used. Start again from dropday.',
        ),
      );
    case 'declined':
      return sendPage(res, 200, messagePage('Not connected', 'You did not allow access, so nothing was connected.'));
    case 'connected':
      return sendPage(
        res,
        200,
        messagePage(`${result.label} connected`, 'dropday can now run your campaigns there. You can close this page.'),
      );
    case 'provider_failed':
      return sendPage(
        res,
        502,
        messagePage('Connection failed', `${result.label} did not complete the connection. Please try again.`),
      );
  }
}
