// The public API described as OpenAPI 3.1, with request bodies and queries generated from the same zod schemas the
// routes validate with (z.toJSONSchema). A test checks every route the app registers is listed here.
import { z } from 'zod';
import {
  appleMusicPresaveBody,
  analyticsQueryShape,
  approveAdCopyBody,
  checkoutBody,
  createAccountBody,
  createAdCampaignBody,
  createAdCopyBody,
  createArtistBody,
  updateArtistBody,
  createCampaignBody,
  eventValuesBody,
  metaPixelBody,
  googleConversionBody,
  campaignListQuery,
  presaveListQuery,
  presaveExportQuery,
  releaseLookupQuery,
  rejectAdCopyBody,
  editAdCopyVariantBody,
  rescheduleCampaignBody,
  adConsentForm,
  appSignInForm,
  deletionEmailForm,
  metaDataDeletionForm,
  opsResetBody,
  opsSignalBody,
  opsSignInForm,
  sessionConfirmForm,
  subscribeForm,
  platformLinksBody,
  platformGoQuery,
  createInstagramPostBody,
  createCaptionDraftBody,
  editCaptionDraftBody,
  instagramHideBody,
  instagramInboxQuery,
  instagramTextBody,
  instagramWebhookHandshake,
} from './schemas';
import {
  changeMemberForm,
  choosePasswordForm,
  createKeyForm,
  disconnectForm,
  googleLinkForm,
  googleNewAccountForm,
  inviteForm,
  resetRequestForm,
  signInForm,
  signUpForm,
} from './app-forms';

type Auth = 'none' | 'artist' | 'ops' | 'any';
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
  path: string; // express form, e.g. /v1/campaigns/:id
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  form?: z.ZodType; // application/x-www-form-urlencoded (pages, callbacks), fields as strings
  query?: z.ZodType;
  response?: string; // content type of the success response
}

const page = (path: string, summary: string): Operation => ({
  method: 'get',
  path,
  summary,
  auth: 'none',
  response: 'text/html',
});
const post = (path: string, summary: string, form: z.ZodType): Operation => ({
  method: 'post',
  path,
  summary,
  auth: 'none',
  form,
});

/** The artist app's pages and forms (docs/artist-app.md): the session cookie, every form with its csrf field. */
const artistAppOperations: Operation[] = [
  page('/app/sign-up', 'Sign-up page'),
  post('/app/sign-up', 'Create an account and its owner; signed in, 303 to /app', signUpForm),
  post('/app/sign-in', "A member's password sign-in; 303 to /app (401 page, same words for every refusal)", signInForm),
  page('/app/reset', 'Ask for a password reset link'),
  post('/app/reset', 'Mails a reset link if the address signs in (the same page either way)', resetRequestForm),
  page('/app/reset/:token', 'Choose a new password (the mailed link)'),
  post('/app/reset/:token', 'Sets it, signs out everywhere else, signs in here', choosePasswordForm),
  page('/app/invite/:token', 'Accept an invitation (the mailed link)'),
  post('/app/invite/:token', 'Accepts with a password; signed in', choosePasswordForm),
  post(
    '/app/invite/:token/google',
    'Accepts with Google: to Google, whose verified address must be the one invited (303)',
    sessionConfirmForm,
  ),
  post('/app/sign-out-everywhere', 'Revokes every session of the member', sessionConfirmForm),
  page('/app/settings', 'Account, API keys, members, sessions'),
  post('/app/keys', 'Create an API key (owner; shown once)', createKeyForm),
  {
    method: 'post',
    path: '/app/campaigns/:id/artwork',
    summary:
      "Upload the release artwork without JavaScript (manager): multipart/form-data with the page's csrf field and the file as `artwork` (PNG or JPEG, at most 10 MB); 303 to the campaign page, or a page saying what was refused",
    auth: 'none',
    response: 'text/html',
  },
  post('/app/keys/:id/revoke', 'Revoke an API key (owner)', sessionConfirmForm),
  post('/app/members', 'Invite a member by e-mail with a role (owner)', inviteForm),
  post('/app/members/:id', "Change a member's role or remove them (owner; the last owner stays)", changeMemberForm),
  post('/app/verification', 'E-mail the verification link again (owner)', sessionConfirmForm),
  page('/app/artists', 'Artists (add one: POST /v1/artists from the page)'),
  page('/app/campaigns/new', 'The guided new-campaign page (POST /v1/campaigns from the page)'),
  page('/app/campaigns/:id', 'A campaign: countdown, resolution, delivery, per-fan states, reschedule and cancel'),
  page(
    '/app/campaigns/:id/ads',
    "A campaign's ads: connections, ad copy to review, edit, approve or reject, ad campaigns",
  ),
  page(
    '/app/campaigns/:id/ads/review',
    'The summary of an ad campaign before it is created (POST /v1/campaigns/:id/ads)',
  ),
  page('/app/sign-up/sent', 'After sign-up: check your inbox (the same page for a new and a taken address)'),
  post('/app/sign-in/google', 'Sign in with Google: 303 to Google (OpenID Connect, PKCE, nonce)', sessionConfirmForm),
  post(
    '/app/sign-in/google/link',
    'Link a Google identity to the existing account of its verified address, after its password',
    googleLinkForm,
  ),
  post('/app/sign-in/google/new', 'Create a new account for a Google identity', googleNewAccountForm),
  page('/app/connections', 'Connections: Spotify, Meta, Google Ads, Instagram, Apple Music with their states'),
  post(
    '/app/connections/:provider',
    'Start connecting a provider (manager): 303 to the confirmation',
    sessionConfirmForm,
  ),
  page('/app/connections/:id/disconnect', 'What disconnecting this connection will stop, and the confirmation'),
  post('/app/connections/:id/disconnect', 'Disconnect (manager): revokes and deletes the tokens', disconnectForm),
  page('/app/billing', 'Plan, usage and limits; checkout and the billing portal (/v1/billing/* from the page)'),
  page('/app/privacy', "The account's data export, and its deletion with what is deleted and stopped"),
  {
    method: 'get',
    path: '/app/setup.js',
    summary: "The release pages' script",
    auth: 'none',
    response: 'application/javascript',
  },
];

export const OPERATIONS: Operation[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', auth: 'none' },
  { method: 'get', path: '/readyz', summary: 'Readiness: PostgreSQL and Temporal answer', auth: 'none' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', auth: 'none', response: 'text/plain' },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: 'none' },
  { method: 'get', path: '/docs', summary: 'This document, readable', auth: 'none', response: 'text/html' },
  { method: 'post', path: '/codec/decode', summary: 'Temporal remote codec: decode payloads', auth: 'ops' },
  { method: 'post', path: '/codec/encode', summary: 'Temporal remote codec: encode payloads', auth: 'ops' },
  {
    method: 'get',
    path: '/ops/login',
    summary: 'Ops sign-in page (a session for the Web UI codec calls)',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/ops/login',
    summary: 'Ops sign-in with an ops key: sets the codec session cookie',
    auth: 'none',
    form: opsSignInForm,
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/static/smart-link.js',
    summary: 'Smart link page script',
    auth: 'none',
    response: 'application/javascript',
  },
  {
    method: 'get',
    path: '/static/smart-link.css',
    summary: 'Smart link page style',
    auth: 'none',
    response: 'text/css',
  },
  {
    method: 'get',
    path: '/app',
    summary: 'Artist dashboard (sign-in page without a session)',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/app/session',
    summary: 'Dashboard sign-in with an artist key: sets the session cookie, 303 to /app',
    auth: 'none',
    form: appSignInForm,
  },
  { method: 'post', path: '/app/logout', summary: 'Dashboard sign-out, 303 to /app', auth: 'none' },
  {
    method: 'get',
    path: '/app/connect/:token',
    summary: "Confirm an ad-account connect (the link of POST /v1/connections/:provider); needs the account's session",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/app/connect/:token',
    summary: 'Confirmed from the session (same origin, anti-forgery field): 303 to the provider',
    auth: 'none',
    form: sessionConfirmForm,
  },
  ...artistAppOperations,
  { method: 'get', path: '/app/app.js', summary: 'Dashboard script', auth: 'none', response: 'application/javascript' },
  { method: 'get', path: '/app/app.css', summary: 'Dashboard style', auth: 'none', response: 'text/css' },
  { method: 'get', path: '/l/:slug', summary: 'Smart link page', auth: 'none', response: 'text/html' },
  {
    method: 'get',
    path: '/static/meta-pixel.js',
    summary: "Loader of the artist's Meta pixel",
    auth: 'none',
    response: 'application/javascript',
  },
  {
    method: 'post',
    path: '/l/:slug/ad-consent',
    summary: "The fan's ad-measurement choice (allow | deny), 303 back to the page",
    auth: 'none',
    form: adConsentForm,
  },
  {
    method: 'get',
    path: '/l/:slug/presave/spotify',
    summary: "Start a fan's Spotify sign-in (302 to Spotify)",
    auth: 'none',
    query: z.object({ tz: z.string().optional(), forever: z.literal('1').optional() }),
  },
  {
    method: 'post',
    path: '/l/:slug/presave/apple-music',
    summary: "A fan's Apple Music pre-add: the Music-User-Token from MusicKit (same origin only)",
    auth: 'none',
    body: appleMusicPresaveBody,
  },
  {
    method: 'get',
    path: '/apple-music/developer-token',
    summary: 'The Apple Music developer token MusicKit on the smart link is configured with',
    auth: 'none',
  },
  {
    method: 'get',
    path: '/static/apple-music-presave.js',
    summary: 'Script of the Apple Music pre-add button',
    auth: 'none',
    response: 'application/javascript',
  },
  {
    method: 'get',
    path: '/l/:slug/listen/:platform',
    summary: 'Tracked listen link (older spelling of /l/:slug/go/:platform)',
    auth: 'none',
    query: platformGoQuery,
  },
  {
    method: 'get',
    path: '/l/:slug/go/:platform',
    summary: 'Tracked platform link: records a click with the visit attribution, 302 to the release on the platform',
    auth: 'none',
    query: platformGoQuery,
  },
  {
    method: 'get',
    path: '/static/platform-choice.js',
    summary: "Smart link script: the fan's remembered platform first",
    auth: 'none',
    response: 'application/javascript',
  },
  { method: 'get', path: '/l/:slug/thanks', summary: 'Thank-you page', auth: 'none', response: 'text/html' },
  {
    method: 'post',
    path: '/l/:slug/subscribe',
    summary: 'Subscribe form (explicit consent)',
    auth: 'none',
    form: subscribeForm,
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/s/:token',
    summary: 'Subscription confirmation link (double opt-in): asks',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/s/:token',
    summary: 'Subscription confirmation link (double opt-in): confirms',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/account/verify/:token',
    summary: "An account's e-mail verification link: asks",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/account/verify/:token',
    summary: "An account's e-mail verification link: verifies (same origin; 409 when another account verified it)",
    auth: 'none',
    form: sessionConfirmForm,
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/p/:token',
    summary: "A phone's confirmation link, texted (SMS double opt-in): asks",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/p/:token',
    summary: "A phone's confirmation link, texted (SMS double opt-in): confirms",
    auth: 'none',
    response: 'text/html',
  },
  { method: 'get', path: '/u/:token', summary: 'Unsubscribe: confirmation page', auth: 'none', response: 'text/html' },
  { method: 'post', path: '/u/:token', summary: 'Unsubscribe', auth: 'none', response: 'text/html' },
  {
    method: 'get',
    path: '/f/:token',
    summary: 'Stop a forever-save (its signed link): confirmation page naming the artist (docs/forever-save.md)',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/f/:token',
    summary: "Stop a forever-save: no more of the artist's next releases; its enrolled, undelivered pre-saves go",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/oauth/spotify/callback',
    summary: 'Spotify sign-in callback (pre-save or deletion)',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/oauth/google-sign-in/callback',
    summary: "Google sign-in callback (the artist app's OpenID Connect)",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/artwork/:artworkId/:file',
    summary: 'Uploaded release artwork, resized (file: a size and format; immutable, ETag)',
    auth: 'none',
    response: 'image/jpeg',
  },
  {
    method: 'get',
    path: '/artwork/campaigns/:campaignId/:urlHash/:file',
    summary: "A catalogue's artwork for a campaign, fetched once and served resized from dropday",
    auth: 'none',
    response: 'image/jpeg',
  },
  {
    method: 'get',
    path: '/oauth/google/callback',
    summary: 'Google Ads connection callback',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/oauth/meta/callback',
    summary: 'Meta connection callback',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/oauth/instagram/callback',
    summary: 'Instagram connection callback (Instagram Login; the code may end in #_)',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/oauth/spotify-artist/callback',
    summary: "Artist's Spotify connection callback",
    auth: 'none',
    response: 'text/html',
  },
  { method: 'get', path: '/privacy/delete', summary: 'Deletion request page', auth: 'none', response: 'text/html' },
  {
    method: 'get',
    path: '/privacy/delete/spotify',
    summary: 'Verify a deletion request with Spotify (302)',
    auth: 'none',
  },
  {
    method: 'post',
    path: '/privacy/delete/email',
    summary: 'Send a deletion link to an e-mail address',
    auth: 'none',
    form: deletionEmailForm,
    response: 'text/html',
  },
  {
    method: 'get',
    path: '/privacy/delete/confirm/:token',
    summary: 'Deletion link: confirmation page',
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/privacy/delete/confirm/:token',
    summary: 'Confirm a deletion (303 to its status)',
    auth: 'none',
  },
  {
    method: 'get',
    path: '/privacy/deletion/:id',
    summary: "Status of a deletion request (pending, completed or failed), by its id or Meta's confirmation code",
    auth: 'none',
    response: 'text/html',
  },
  {
    method: 'post',
    path: '/meta/data-deletion',
    summary:
      "Meta's data deletion callback (signed_request): erases the Meta user's connections; answers {url, confirmation_code}",
    auth: 'none',
    form: metaDataDeletionForm,
  },
  {
    method: 'post',
    path: '/v1/accounts',
    summary: 'Sign up; the API key is shown once',
    auth: 'none',
    body: createAccountBody,
  },
  {
    method: 'get',
    path: '/v1/accounts/me',
    summary: 'This account: id, name, email, and whether the address is verified (emailVerified, emailVerifiedAt)',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/accounts/me/verification',
    summary: 'E-mail the address verification link again (202; 409 once verified)',
    auth: 'artist',
  },
  { method: 'delete', path: '/v1/accounts/me', summary: 'Delete this account and everything of it', auth: 'artist' },
  {
    method: 'get',
    path: '/v1/accounts/me/export',
    summary: "The account's data as JSON: account, members, artists, campaigns, connections (no tokens), ads, orders",
    auth: 'artist',
  },
  { method: 'post', path: '/v1/artists', summary: 'Create an artist', auth: 'artist', body: createArtistBody },
  { method: 'get', path: '/v1/artists', summary: 'List artists', auth: 'artist' },
  { method: 'get', path: '/v1/artists/:id', summary: 'An artist', auth: 'artist' },
  {
    method: 'patch',
    path: '/v1/artists/:id',
    summary: "Change an artist's name or ids (null clears an id)",
    auth: 'artist',
    body: updateArtistBody,
  },
  {
    method: 'get',
    path: '/v1/artists/:id/meta-pixel',
    summary: "The artist's Meta pixel (the access token is never shown)",
    auth: 'artist',
  },
  {
    method: 'put',
    path: '/v1/artists/:id/meta-pixel',
    summary: 'Set the Meta pixel and Conversions API token',
    auth: 'artist',
    body: metaPixelBody,
  },
  {
    method: 'delete',
    path: '/v1/artists/:id/meta-pixel',
    summary: 'Remove the Meta pixel (queued events are dropped)',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/v1/artists/:id/google-conversion',
    summary: "Where the artist's Google Ads click conversions go",
    auth: 'artist',
  },
  {
    method: 'put',
    path: '/v1/artists/:id/google-conversion',
    summary: 'Set the Google Ads customer and conversion action (type "Import from clicks")',
    auth: 'artist',
    body: googleConversionBody,
  },
  {
    method: 'delete',
    path: '/v1/artists/:id/google-conversion',
    summary: 'Stop Google Ads conversions (queued ones are dropped)',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/conversions',
    summary: 'Conversions API events and Google Ads click conversions per name and status',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns',
    summary: 'Create a release campaign (starts its release workflow)',
    auth: 'artist',
    body: createCampaignBody,
  },
  {
    method: 'get',
    path: '/v1/campaigns',
    summary: 'Campaigns, newest first, cursor-paginated ({items, nextCursor})',
    auth: 'artist',
    query: campaignListQuery,
  },
  { method: 'get', path: '/v1/campaigns/:id', summary: 'A campaign with its progress and next wave', auth: 'artist' },
  { method: 'patch', path: '/v1/campaigns/:id', summary: 'Reschedule', auth: 'artist', body: rescheduleCampaignBody },
  { method: 'post', path: '/v1/campaigns/:id/cancel', summary: 'Cancel', auth: 'artist' },
  {
    method: 'get',
    path: '/v1/campaigns/:id/presaves',
    summary: 'Pre-saves, cursor-paginated',
    auth: 'artist',
    query: presaveListQuery,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/presaves.csv',
    summary: 'Every pre-save state with its reason, CSV (no fan data)',
    auth: 'artist',
    query: presaveExportQuery,
    response: 'text/csv',
  },
  {
    method: 'get',
    path: '/v1/releases/lookup',
    summary:
      "The release of a UPC or ISRC in the catalogue ({found, release:{title, artworkUrl, artworkSrc (dropday's copy), trackCount, ...}})",
    auth: 'artist',
    query: releaseLookupQuery,
  },
  {
    method: 'put',
    path: '/v1/campaigns/:id/artwork',
    summary:
      'Upload the release artwork: the raw image as the body (image/png or image/jpeg, at most 10 MB, 300 to 6000 pixels a side); dropday serves it resized under /artwork ({artworkId, width, height, urls})',
    auth: 'artist',
  },
  { method: 'get', path: '/v1/campaigns/:id/ledger', summary: 'Fan token ledger', auth: 'artist' },
  {
    method: 'get',
    path: '/v1/campaigns/:id/values',
    summary: 'Points per event type (defaults where not set)',
    auth: 'artist',
  },
  {
    method: 'put',
    path: '/v1/campaigns/:id/values',
    summary: 'Replace the points per event type',
    auth: 'artist',
    body: eventValuesBody,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/links',
    summary: "The release's links per platform",
    auth: 'artist',
  },
  {
    method: 'put',
    path: '/v1/campaigns/:id/links',
    summary: 'Replace the release links per platform (URL on the platform host, or "auto")',
    auth: 'artist',
    body: platformLinksBody,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/analytics',
    summary: 'Funnel, delivery, sources, value, abuse flags and a time series',
    auth: 'artist',
    query: analyticsQueryShape,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/attribution',
    summary: "The campaign's attribution backfill: Schedule state, window, recent runs",
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/attribution/pause',
    summary: 'Pause the attribution backfill Schedule',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/attribution/resume',
    summary: 'Resume the attribution backfill Schedule',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/attribution/backfill',
    summary: 'Run an attribution backfill now (202)',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/fans.csv',
    summary: 'Consented subscribers, CSV',
    auth: 'artist',
    response: 'text/csv',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/ads/copy',
    summary: 'Ask for AI ad copy variants (202; an adCopyWorkflow writes and checks them)',
    auth: 'artist',
    body: createAdCopyBody,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/ads/copy',
    summary: 'Ad copy requests with their variants and lint results',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/ads/copy/:requestId/approve',
    summary: "Approve a variant: it becomes the platform's ad copy",
    auth: 'artist',
    body: approveAdCopyBody,
  },
  {
    method: 'patch',
    path: '/v1/campaigns/:id/ads/copy/:requestId/variants/:variantId',
    summary: "Edit a passing variant's words before approving it (linted again: 422 with the findings changes nothing)",
    auth: 'artist',
    body: editAdCopyVariantBody,
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/ads/copy/:requestId/reject',
    summary: 'Reject the variants with feedback: new ones are written',
    auth: 'artist',
    body: rejectAdCopyBody,
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/ads',
    summary: 'Create a paid campaign on Meta or Google Ads (paused; launched at the release, paused at endAt)',
    auth: 'artist',
    body: createAdCampaignBody,
  },
  {
    method: 'get',
    path: '/v1/campaigns/:id/ads',
    summary: "The campaign's ad campaigns: state, provider objects, last error, insight totals",
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/ads/:adId/cancel',
    summary: 'Cancel an ad campaign (undone before launch, paused after)',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/connections/:provider',
    summary:
      'Start connecting google, meta, spotify or instagram (several Instagram accounts per label): the link to confirm',
    auth: 'artist',
  },
  { method: 'get', path: '/v1/connections', summary: 'Connected accounts', auth: 'artist' },
  {
    method: 'delete',
    path: '/v1/connections/:id',
    summary:
      'Disconnect (the grant is revoked; an Instagram inbox is erased at once); 409 connection_in_use while ad campaigns or Instagram posts still run or wait with it',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/v1/billing',
    summary: 'Plan, limits, usage, subscription state; plans and packages on offer',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/billing/checkout',
    summary: 'Stripe Checkout Session URL for a subscription (API key required) or a shop package (API key optional)',
    auth: 'none',
    body: checkoutBody,
  },
  {
    method: 'post',
    path: '/v1/billing/portal',
    summary: 'Stripe customer portal URL (manage the subscription)',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/billing/return',
    summary: 'Where Stripe Checkout sends the buyer back',
    auth: 'none',
    response: 'text/html',
    query: z.object({ status: z.enum(['success', 'cancelled', 'portal']).optional() }),
  },
  {
    method: 'get',
    path: '/webhooks/instagram',
    summary: "Meta's subscribe handshake: hub.challenge back when hub.verify_token matches, else 403",
    auth: 'none',
    query: instagramWebhookHandshake,
    response: 'text/plain',
  },
  {
    method: 'post',
    path: '/webhooks/instagram',
    summary:
      'Instagram comments and messages (X-Hub-Signature-256 over the raw body with the app secret; each event stored once, sealed)',
    auth: 'none',
  },
  {
    method: 'post',
    path: '/v1/campaigns/:id/instagram-posts',
    summary:
      'Schedule a release-day Instagram post (image, reel or carousel; caption limits checked; optional keyword private reply)',
    auth: 'artist',
    body: createInstagramPostBody,
  },
  { method: 'get', path: '/v1/campaigns/:id/instagram-posts', summary: "A campaign's Instagram posts", auth: 'artist' },
  {
    method: 'get',
    path: '/v1/campaigns/:id/instagram-counts',
    summary: 'Comments, messages and private replies counted per post (kept after the inbox forgets them)',
    auth: 'artist',
  },
  {
    method: 'get',
    path: '/v1/instagram-posts/:id',
    summary: 'An Instagram post: state, waiting reason, permalink, error',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/instagram-posts/:id/cancel',
    summary: 'Cancel a post not yet published',
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/instagram-posts/:id/caption-drafts',
    summary:
      'Ask for caption drafts (202): Gemini or the template writer, each with the smart link and checked by the caption linter',
    auth: 'artist',
    body: createCaptionDraftBody,
  },
  {
    method: 'get',
    path: '/v1/instagram-posts/:id/caption-drafts',
    summary: "A post's caption requests with their current drafts and lint results",
    auth: 'artist',
  },
  {
    method: 'post',
    path: '/v1/instagram-posts/:id/caption-drafts/edit',
    summary: 'Edit a draft waiting for approval (linted again; 422 with the findings, nothing changed, if it fails)',
    auth: 'artist',
    body: editCaptionDraftBody,
  },
  {
    method: 'post',
    path: '/v1/instagram-posts/:id/caption-drafts/approve',
    summary: "Approve a draft (202): it becomes the post's caption (while the post's media is not yet prepared)",
    auth: 'artist',
    body: approveAdCopyBody,
  },
  {
    method: 'post',
    path: '/v1/instagram-posts/:id/caption-drafts/reject',
    summary: 'Reject the drafts with feedback (202): new ones are written',
    auth: 'artist',
    body: rejectAdCopyBody,
  },
  {
    method: 'get',
    path: '/v1/instagram/inbox',
    summary: 'Comments and messages of the last 30 days, newest first, filtered by kind, account, campaign, post',
    auth: 'artist',
    query: instagramInboxQuery,
  },
  {
    method: 'post',
    path: '/v1/instagram/inbox/:id/reply',
    summary: 'Answer a comment in public',
    auth: 'artist',
    body: instagramTextBody,
  },
  {
    method: 'post',
    path: '/v1/instagram/inbox/:id/private-reply',
    summary: 'Answer a comment with a direct message: once per comment, within 7 days of it',
    auth: 'artist',
    body: instagramTextBody,
  },
  {
    method: 'post',
    path: '/v1/instagram/inbox/:id/message',
    summary: "Answer a message: within 24 hours of the person's last message",
    auth: 'artist',
    body: instagramTextBody,
  },
  {
    method: 'post',
    path: '/v1/instagram/inbox/:id/hide',
    summary: 'Hide or show a comment',
    auth: 'artist',
    body: instagramHideBody,
  },
  {
    method: 'post',
    path: '/webhooks/stripe',
    summary: 'Stripe webhook (Stripe-Signature on the raw body, 300 s tolerance; each event once)',
    auth: 'none',
  },
  { method: 'get', path: '/v1/ops/workflows', summary: 'Find workflows by search attributes', auth: 'ops' },
  { method: 'get', path: '/v1/ops/workflows/:workflowId', summary: 'Describe a workflow', auth: 'ops' },
  { method: 'get', path: '/v1/ops/workflows/:workflowId/history', summary: 'Decoded, redacted history', auth: 'ops' },
  { method: 'post', path: '/v1/ops/workflows/:workflowId/cancel', summary: 'Cancel a workflow', auth: 'ops' },
  { method: 'post', path: '/v1/ops/workflows/:workflowId/terminate', summary: 'Terminate a workflow', auth: 'ops' },
  {
    method: 'post',
    path: '/v1/ops/workflows/:workflowId/signal',
    summary: 'Send a documented signal',
    auth: 'ops',
    body: opsSignalBody,
  },
  {
    method: 'post',
    path: '/v1/ops/workflows/:workflowId/reset',
    summary: 'Reset to a workflow task (default: the first)',
    auth: 'ops',
    body: opsResetBody,
  },
  { method: 'get', path: '/v1/ops/alerts', summary: 'Open stuck-workflow alerts', auth: 'ops' },
  {
    method: 'post',
    path: '/v1/ops/campaigns/:id/retry-failed',
    summary: "Retry a campaign's failed pre-saves",
    auth: 'ops',
  },
  {
    method: 'post',
    path: '/v1/ops/key-rotations',
    summary: 'Re-encrypt stored secrets under the active key',
    auth: 'ops',
  },
  { method: 'get', path: '/v1/ops/key-rotations/:keyId', summary: 'Key rotation progress', auth: 'ops' },
];

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');
const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

export function openApiDocument(publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = op.query
      ? Object.entries((jsonSchema(op.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        }))
      : [];
    (paths[openApiPath(op.path)] ??= {})[op.method] = {
      summary: op.summary,
      // The dashboard's session cookie (POST /app/session) also reads artist data.
      security:
        op.auth === 'none'
          ? []
          : op.auth === 'artist' && op.method === 'get'
            ? [{ bearer: [] }, { appSession: [] }]
            : [{ bearer: [] }],
      'x-dropday-role': op.auth,
      ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
        : {}),
      ...(op.form
        ? {
            requestBody: {
              required: true,
              content: { 'application/x-www-form-urlencoded': { schema: jsonSchema(op.form) } },
            },
          }
        : {}),
      responses: {
        default: { description: 'Success', content: { [op.response ?? 'application/json']: {} } },
        '4XX': {
          description: 'Client error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'dropday', version: '1', description: 'Release-day marketing for independent artists and labels.' },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'API key from POST /v1/accounts (artist) or the admin CLI (ops)',
        },
        appSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'dd_app_session',
          description: 'Dashboard session from POST /app/session; GET requests only',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}
