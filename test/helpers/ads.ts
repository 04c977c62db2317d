// The ad routes as the ad tests call them.
import { http } from './release-stack';

/** `POST /v1/campaigns/:id/ads/:adId/cancel` as the campaign's owner. */
export function cancelAd(
  stack: { api: { url: string } },
  account: { headers: Record<string, string> },
  campaignId: string,
  adId: string,
) {
  return http.post(`${stack.api.url}/v1/campaigns/${campaignId}/ads/${adId}/cancel`, {}, { headers: account.headers });
}
