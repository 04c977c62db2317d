// The Express app: security headers, bounded bodies, request logs, then public routes, then the authenticated
// /v1 API, then the one error format.
import express, { type Express } from 'express';
import { requireApiKeyOrAppSession } from './app-session';
import { requireRole } from './auth';
import { type AppDeps } from './deps';
import { errorHandler, unknownRoute } from './errors';
import { observeRequests } from './request-log';
import { securityHeaders } from './http/security-headers';
import { rateLimiter } from './rate-limit';
import { accountRoutes, ownAccountRoutes } from './routes/accounts';
import { accountVerificationRoutes } from './routes/account-verification';
import { createEmailVerification } from './email-verification';
import { artistRoutes } from './routes/artists';
import { campaignRoutes } from './routes/campaigns';
import { releaseRoutes } from './routes/releases';
import { artworkRoutes, artworkUploadRoutes } from './routes/artwork';
import { createArtwork } from './artwork';
import { opsRoutes } from './routes/ops';
import { opsWorkflowRoutes } from './routes/ops-workflows';
import { smartLinkRoutes } from './routes/smart-link';
import { foreverSaveRoutes } from './routes/forever-save';
import { privacyRoutes } from './routes/privacy';
import { subscriberExportRoutes, subscriberRoutes } from './routes/subscribers';
import { metaCallbackRoutes } from './routes/meta-callbacks';
import { connectionRoutes } from './routes/connections';
import { oauthCallbackRoutes } from './routes/oauth-callbacks';
import { adCopyRoutes } from './routes/ad-copy';
import { releasePlanRoutes } from './routes/release-plan';
import { adRoutes } from './routes/ads';
import { createArtistConnections } from './oauth/artist-connections';
import { createConnectionDisconnect } from './connection-disconnect';
import { createDeletionRequester } from './oauth/deletion-sign-in';
import { createPresaveCompletion } from './oauth/presave-completion';
import { createSpotifySignIn } from './oauth/spotify-fan-sign-in';
import { createOAuthStates } from './oauth/state';
import { staticRoutes } from './pages/static';
import { codecRoutes } from './routes/codec';
import { healthRoutes } from './routes/health';
import { docsRoutes } from './routes/docs';
import { conversionPublicRoutes, conversionRoutes } from './routes/conversions';
import { analyticsRoutes } from './routes/analytics';
import { dashboardRoutes } from './routes/dashboard';
import { appAccountRoutes } from './routes/app-accounts';
import { appGoogleRoutes } from './routes/app-google';
import { createGoogleMembers } from './google-members';
import { createGoogleSignIn } from './oauth/google-sign-in';
import { appSettingsRoutes } from './routes/app-settings';
import { appCampaignRoutes } from './routes/app-campaigns';
import { appArtworkRoutes } from './routes/app-artwork';
import { appAdRoutes } from './routes/app-ads';
import { appReleasePlanRoutes } from './routes/app-release-plan';
import { appAccountPageRoutes } from './routes/app-account-pages';
import { appConnectionRoutes } from './routes/app-connections';
import { appPageKit } from './app-page-kit';
import { createMemberAccounts } from './member-accounts';
import { auditMemberChanges } from './member-audit';
import { billingRoutes } from './routes/billing';
import { stripeWebhookRoutes } from './routes/stripe-webhooks';
import { appleMusicRoutes } from './routes/apple-music';
import { instagramWebhookRoutes } from './routes/instagram-webhooks';
import { instagramRoutes } from './routes/instagram';
import { instagramCaptionRoutes } from './routes/instagram-captions';
import { attributionRoutes } from './routes/attribution';
import { platformLinkAdminRoutes, platformLinkRoutes } from './routes/platform-links';
import { eventBufferFor } from './event-buffer';
import { createTracking } from './tracking';
import { signingKeys } from '../lib/crypto/signed-value';
import { jsonBody, refuseMalformedUrl } from './validation';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  const https = deps.config.PUBLIC_URL.startsWith('https://');
  app.use(
    securityHeaders({
      // Pages load only our own script, style and images: artwork is served by dropday itself (./routes/artwork.ts),
      // uploads and catalogue covers alike (pages with a Meta pixel add Meta's host: ./conversions.ts). HTTPS-only headers only where we are served over HTTPS (a local
      // http://127.0.0.1 stack must keep working).
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'"],
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    }),
  );
  // The request id, metrics and access log (./request-log.ts).
  app.use(observeRequests(deps.logger, deps.metrics));
  // A NUL or non-UTF-8 escape in a path or query is a 400 before any route (PostgreSQL text cannot hold NUL).
  app.use(refuseMalformedUrl);

  app.use(healthRoutes(deps));
  // Before every route it limits (and before any body parser): a refused request costs one upsert.
  app.use(rateLimiter(deps));
  // The fans' pages first of the routers: a viral burst on a smart link is not matched against every route above
  // them in the list. No router below answers these paths (GET /l/:slug, its pre-save start and thank-you page).
  const oauthStates = createOAuthStates(deps);
  const signIn = createSpotifySignIn(deps, oauthStates);
  const tracking = createTracking(deps.config, eventBufferFor(deps));
  app.use(smartLinkRoutes(deps, signIn, tracking));
  app.use(appleMusicRoutes(deps, tracking));
  // Raw body for the signature check: before any body parser.
  app.use(stripeWebhookRoutes(deps));
  app.use(instagramWebhookRoutes(deps));
  app.use(docsRoutes(deps));
  app.use(codecRoutes(deps));
  app.use(staticRoutes());
  const artwork = createArtwork(deps);
  app.use(artworkRoutes(artwork));
  app.use(conversionPublicRoutes(deps));
  const connections = createArtistConnections(deps, oauthStates);
  const disconnect = createConnectionDisconnect(deps);
  const appKit = appPageKit(deps);
  const emailVerification = createEmailVerification(deps);
  const people = createMemberAccounts(deps, emailVerification);
  app.use(dashboardRoutes(deps, appKit, connections));
  app.use(appAccountRoutes(deps, appKit, people));
  app.use(
    appGoogleRoutes(
      deps,
      appKit,
      createGoogleSignIn(deps, oauthStates),
      createGoogleMembers(deps, emailVerification, people),
    ),
  );
  app.use(appSettingsRoutes(deps, appKit, people, emailVerification));
  app.use(appCampaignRoutes(deps, appKit));
  app.use(appArtworkRoutes(deps, appKit, artwork));
  app.use(appAdRoutes(deps, appKit));
  app.use(appReleasePlanRoutes(deps, appKit));
  app.use(appAccountPageRoutes(deps, appKit));
  app.use(appConnectionRoutes(deps, appKit, connections, disconnect));
  app.use(platformLinkRoutes(deps, tracking));
  app.use(privacyRoutes(deps, signIn));
  app.use(foreverSaveRoutes(deps));
  app.use(accountVerificationRoutes(deps, emailVerification, people));
  app.use(subscriberRoutes(deps, tracking));
  app.use(metaCallbackRoutes(deps));
  app.use(
    oauthCallbackRoutes({
      signIn,
      completePresave: createPresaveCompletion(deps, signIn, tracking),
      requestDeletion: createDeletionRequester(deps),
      connections,
    }),
  );

  app.use('/v1', jsonBody({ limit: '64kb' }));
  app.use(accountRoutes(deps, emailVerification));
  app.use(billingRoutes(deps)); // authenticates per route: a shop package may be bought signed out
  // The app's session cookie: reads, and a member's writes with the session's X-CSRF-Token (./app-session.ts).
  app.use('/v1', requireApiKeyOrAppSession(deps.pool, signingKeys(deps.config)));
  app.use('/v1', auditMemberChanges(deps.pool, deps.logger));
  // An ops key works the /v1/ops routes only: it cannot delete its own account or open billing as an artist.
  const artistOnly = requireRole('artist');
  app.use('/v1', (req, res, next) => (req.path.startsWith('/ops/') ? next() : artistOnly(req, res, next)));
  app.use(ownAccountRoutes(deps, emailVerification));
  app.use(artistRoutes(deps));
  app.use(campaignRoutes(deps));
  app.use(releaseRoutes(deps, artwork));
  app.use(artworkUploadRoutes(artwork));
  app.use(analyticsRoutes(deps));
  app.use(platformLinkAdminRoutes(deps));
  app.use(attributionRoutes(deps));
  app.use(subscriberExportRoutes(deps));
  app.use(connectionRoutes(deps, connections, disconnect));
  app.use(adCopyRoutes(deps));
  app.use(adRoutes(deps));
  app.use(releasePlanRoutes(deps));
  app.use(instagramRoutes(deps));
  app.use(instagramCaptionRoutes(deps));
  app.use(opsRoutes(deps));
  app.use(opsWorkflowRoutes(deps));
  app.use(conversionRoutes(deps));

  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
