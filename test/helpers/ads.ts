// The ad routes and connections as the ad tests call them.
import { META_API_VERSION } from '../../simulators/meta';
import { confirmConnect, hiddenFields, http } from './release-stack';

/** `POST /v1/campaigns/:id/ads/:adId/cancel` as the campaign's owner. */
export function cancelAd(
  stack: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  adId: string,
) {
  return http.post(`${stack.api.url}/v1/campaigns/${campaignId}/ads/${adId}/cancel`, {}, { headers: account.headers });
}

/** The artist opens Meta's login dialog the API gave them and continues as Meta `user`; returns the connection id. */
export async function connectMeta(
  stack: { api: { url: string } },
  meta: { url: string },
  account: { headers: Record<string, string>; apiKey: string },
  user: string,
): Promise<string> {
  const start = await confirmConnect(stack, account, 'meta');
  const dialog = await http.get(start.authorizeUrl);
  const form = hiddenFields(dialog.data);
  form.set('user', user);
  form.set('decision', 'accept');
  const consent = await http.post(`${meta.url}/${META_API_VERSION}/dialog/oauth`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const callback = await http.get(String(consent.headers.location), { headers: { cookie: start.cookie } });
  if (!String(callback.data).includes('Meta connected')) throw new Error(`Meta connect ended: ${callback.data}`);
  const list = await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers });
  return list.data.items.find((c: { provider: string }) => c.provider === 'meta').id as string;
}
