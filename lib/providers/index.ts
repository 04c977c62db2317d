// Every provider client, built once per process from configuration: the worker hands them to its activities, the
// API to its routes, and both pass the hook that counts each call in their own metrics. Nothing else builds one.
import { type Config } from '../config';
import { type AppleMusicClient, appleMusicClientFrom } from './apple-music';
import { type GeminiCopyClient, geminiClientFrom } from './gemini';
import { type GoogleAdsClient, googleAdsFrom } from './google-ads';
import { type GoogleOAuthClient, googleOAuthFrom } from './google-oauth';
import { type GoogleSignInClient, googleSignInFrom } from './google-sign-in';
import { type OnProviderCall } from './http';
import { type InstagramClient, instagramFrom } from './instagram';
import { type MetaConversionsClient, metaConversionsFrom } from './meta-conversions';
import { type MetaMarketingClient, metaMarketingFrom } from './meta-marketing';
import { type MetaOAuthClient, metaOAuthFrom } from './meta-oauth';
import { type SpotifyClient, spotifyClientFrom } from './spotify';
import { type StripeClient, stripeClientFrom } from './stripe';
import { type TwilioClient, twilioClientFrom } from './twilio';

export interface ProviderClients {
  spotify: SpotifyClient;
  /** null when no Apple Music key is configured: the smart link then offers no Apple Music pre-add */
  appleMusic: AppleMusicClient | null;
  googleOAuth: GoogleOAuthClient;
  /** "Sign in with Google" for the artist app (OpenID Connect) */
  googleSignIn: GoogleSignInClient;
  googleAds: GoogleAdsClient;
  metaOAuth: MetaOAuthClient;
  metaMarketing: MetaMarketingClient;
  metaConversions: MetaConversionsClient;
  instagram: InstagramClient;
  /** null when no key is configured: the template writer serves instead */
  gemini: GeminiCopyClient | null;
  /** null when no Twilio account is configured: SMS reminders are not sent */
  twilio: TwilioClient | null;
  /** null when no Stripe secret key is configured: billing is off */
  stripe: StripeClient | null;
}

export function createProviderClients(config: Config, hooks: { onCall?: OnProviderCall } = {}): ProviderClients {
  const { onCall } = hooks;
  return {
    spotify: spotifyClientFrom(config, onCall),
    appleMusic: appleMusicClientFrom(config, onCall),
    googleOAuth: googleOAuthFrom(config, onCall),
    googleSignIn: googleSignInFrom(config, onCall),
    googleAds: googleAdsFrom(config, onCall),
    metaOAuth: metaOAuthFrom(config, onCall),
    metaMarketing: metaMarketingFrom(config, onCall),
    metaConversions: metaConversionsFrom(config, onCall),
    instagram: instagramFrom(config, onCall),
    gemini: geminiClientFrom(config, onCall),
    twilio: twilioClientFrom(config, onCall),
    stripe: stripeClientFrom(config, onCall),
  };
}

export { ProviderError, type ProviderErrorKind, type ProviderName } from './errors';
export { type OnProviderCall, type ProviderCall } from './http';
