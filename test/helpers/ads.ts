// The ad routes and connections as the ad tests call them, and what an artist does before creating ads: connect
// Google Ads or Meta through the simulators' consent pages, and have approved ad copy.
import { z } from 'zod';
import { type DatabasePool, sql } from '../../db/pool';
import { META_API_VERSION } from '../../simulators/meta';
import { confirmConnect, hiddenFields, http, waitFor } from './release-stack';

/** `POST /v1/campaigns/:id/ads/:adId/cancel` as the campaign's owner. */
export function cancelAd(
  stack: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  adId: string,
) {
  return http.post(`${stack.api.url}/v1/campaigns/${campaignId}/ads/${adId}/cancel`, {}, { headers: account.headers });
}

/** The artist opens the consent URL the API gave them and allows access as `user`; returns the connection's id. */
export async function connectGoogle(
  stack: { api: { url: string } },
  google: { url: string },
  account: { headers: Record<string, string>; apiKey: string },
  user: string,
): Promise<string> {
  const start = await confirmConnect(stack, account, 'google');
  const form = hiddenFields((await http.get(start.authorizeUrl)).data);
  form.set('user', user);
  form.set('decision', 'accept');
  const consent = await http.post(`${google.url}/o/oauth2/v2/auth`, form.toString(), {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const callback = await http.get(String(consent.headers.location), { headers: { cookie: start.cookie } });
  if (callback.status !== 200 || !String(callback.data).includes('Google Ads connected'))
    throw new Error(`Google Ads not connected: ${callback.status}`);
  const list = await http.get(`${stack.api.url}/v1/connections`, { headers: account.headers });
  return list.data.items.find((c: { provider: string }) => c.provider === 'google').id as string;
}

/** Ad copy requested over the API, written by the template writer, and its first variant approved; the variant id. */
export async function approvedCopyThroughApi(
  stack: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  platform: 'meta' | 'google',
): Promise<string> {
  const base = `${stack.api.url}/v1/campaigns/${campaignId}/ads/copy`;
  const request = await http.post(base, { platform, variants: 1 }, { headers: account.headers });
  if (request.status !== 202) throw new Error(`ad copy not requested: ${JSON.stringify(request.data)}`);
  const written = await waitFor(
    'the ad copy variants',
    () => http.get(base, { headers: account.headers }),
    // Variants are stored a moment before the request turns to awaiting approval: wait for both, as an artist would.
    (r) => {
      const item = r.data.items?.find((i: { id: string }) => i.id === request.data.id);
      return item?.status === 'awaiting_approval' && item.variants?.length > 0;
    },
    30_000,
  );
  const variantId = written.data.items.find((i: { id: string }) => i.id === request.data.id).variants[0].id as string;
  await approveVariant(stack, account, campaignId, request.data.id, variantId);
  return variantId;
}

/** Approves a variant over the API and waits until the ad copy workflow has recorded it. */
export async function approveVariant(
  stack: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  requestId: string,
  variantId: string,
): Promise<void> {
  const base = `${stack.api.url}/v1/campaigns/${campaignId}/ads/copy`;
  const approve = await http.post(`${base}/${requestId}/approve`, { variantId }, { headers: account.headers });
  if (approve.status !== 202) throw new Error(`ad copy not approved: ${JSON.stringify(approve.data)}`);
  await waitFor(
    'the approval recorded',
    () => http.get(base, { headers: account.headers }),
    (r) =>
      r.data.items
        ?.find((i: { id: string }) => i.id === requestId)
        ?.variants?.some((v: { id: string; approvedAt: string | null }) => v.id === variantId && v.approvedAt),
    30_000,
  );
}

/** Approved copy written straight into the tables (for accounts whose plan may not request copy). */
export async function approvedCopy(
  pool: DatabasePool,
  campaignId: string,
  platform: 'meta' | 'google',
  approved = true,
): Promise<string> {
  const requestId = await pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO ad_copy_requests (campaign_id, platform, status) VALUES (${campaignId}, ${platform}, 'approved') RETURNING id`);
  return pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO ad_copy_variants (request_id, campaign_id, platform, position, headline, primary_text, description, source, approved_at)
    VALUES (${requestId}, ${campaignId}, ${platform}, 0, 'Midnight Sun out now', 'The new single from Luna Vey. Listen now.', 'Stream it today', 'template',
            ${approved ? sql.fragment`now()` : sql.fragment`NULL`})
    RETURNING id`);
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
