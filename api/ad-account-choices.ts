// The ad accounts, Pages and Google Ads customers the artist can pick on the ads page instead of typing ids
// (docs/artist-app.md, "Ads"), read from the connected account through the provider layer: Meta's /me/adaccounts
// and /me/accounts, Google's customers:listAccessibleCustomers. Read when the page is shown; a provider that does
// not answer leaves a message in words and the page falls back to typing the id (nothing is stored).
import { type Connection, activeAccessToken } from '../db/connections';
import { ProviderError } from '../lib/providers/errors';
import { type AppDeps } from './deps';

export interface Choice {
  id: string;
  label: string;
}
/** One platform's lists, or why there are none (the form then asks for the ids). */
export type PlatformChoices<T> = ({ ok: true } & T) | { ok: false; message: string };
export interface AdAccountChoices {
  meta?: PlatformChoices<{ adAccounts: Choice[]; pages: Choice[] }>;
  google?: PlatformChoices<{ customers: Choice[] }>;
}

const LABEL = { meta: 'Meta', google: 'Google Ads' } as const;
const customerLabel = (id: string) => `${id.slice(0, 3)}-${id.slice(3, 6)}-${id.slice(6)}`;

export function createAdAccountChoices({ pool, keyRing, providers, logger }: AppDeps) {
  /** The platform's lists through `read`, or the reason in words (logged by kind only: never a token or an id). */
  async function attempt<T>(platform: 'meta' | 'google', read: () => Promise<T>): Promise<PlatformChoices<T>> {
    const label = LABEL[platform];
    try {
      return { ok: true, ...(await read()) };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      logger.warn({ provider: platform, kind: error.kind }, 'ad account choices not read');
      const why =
        error.kind === 'token_invalid'
          ? `${label} no longer accepts dropday's access: reconnect ${label} to choose from your accounts.`
          : error.detail.userMessage
            ? `${label} said: ${error.detail.userMessage}`
            : `${label} did not answer with your accounts just now.`;
      return { ok: false, message: `${why} Meanwhile, type the ids below.` };
    }
  }

  /** The lists for each platform the account has an active connection to (a missing key: not connected). */
  return async function adAccountChoices(connections: readonly Connection[]): Promise<AdAccountChoices> {
    const tokenOf = async (provider: 'meta' | 'google') => {
      const connection = connections.find((c) => c.provider === provider && c.status === 'active');
      return connection ? activeAccessToken(pool, keyRing, connection.id) : null;
    };
    const [metaToken, googleToken] = await Promise.all([tokenOf('meta'), tokenOf('google')]);
    const [meta, google] = await Promise.all([
      metaToken
        ? attempt('meta', async () => {
            const [accounts, pages] = await Promise.all([
              providers.metaMarketing.adAccounts(metaToken),
              providers.metaMarketing.pages(metaToken),
            ]);
            return {
              adAccounts: accounts.map((a) => ({
                id: a.accountId,
                label: `${a.name} (act_${a.accountId}${a.currency ? `, ${a.currency}` : ''})`,
              })),
              pages: pages.map((p) => ({ id: p.id, label: `${p.name} (${p.id})` })),
            };
          })
        : undefined,
      googleToken
        ? attempt('google', async () => ({
            customers: (await providers.googleAds.accessibleCustomers(googleToken)).map((id) => ({
              id,
              label: customerLabel(id),
            })),
          }))
        : undefined,
    ]);
    return { ...(meta ? { meta } : {}), ...(google ? { google } : {}) };
  };
}

export type AdAccountChoicesReader = ReturnType<typeof createAdAccountChoices>;
