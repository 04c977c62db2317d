// The ad copy scenario of `npm run record:histories`: a variant refused by the linter and regenerated, a rejection
// with feedback (a second generation), then an approval. Returns the workflow id whose history to save.
import { adCopyWorkflowId } from '../../lib/starters/ad-copy';
import { type startGeminiSimulator } from '../../simulators/gemini';
import * as h from '../../test/helpers/release-stack';

export async function recordAdCopyScenario(
  stack: h.ReleaseStack,
  gemini: Awaited<ReturnType<typeof startGeminiSimulator>>,
): Promise<string> {
  const account = await h.artistAccount(stack);
  const campaign = await h.createCampaign(stack, account, 'Recorded Copy');
  const url = `${stack.api.url}/v1/campaigns/${campaign.id}/ads/copy`;
  gemini.state.enqueue({ variants: [{ headline: 'GUARANTEED 1M STREAMS' }] });
  const started = await h.http.post(url, { platform: 'meta', variants: 2 }, { headers: account.headers });
  if (started.status !== 202) throw new Error(`ad copy not started: ${JSON.stringify(started.data)}`);
  const id = started.data.id as string;
  const awaiting = async (generation: number) => {
    const res = await h.waitFor(
      `generation ${generation}`,
      () => h.http.get(url, { headers: account.headers }),
      (r) =>
        r.data.items.some(
          (i: { id: string; status: string; generation: number }) =>
            i.id === id && i.status === 'awaiting_approval' && i.generation === generation,
        ),
    );
    return res.data.items.find((i: { id: string }) => i.id === id) as {
      variants: { id: string; approvable: boolean }[];
    };
  };
  await awaiting(0);
  await h.http.post(`${url}/${id}/reject`, { feedback: 'Warmer, please' }, { headers: account.headers });
  const second = await awaiting(1);
  const variant = second.variants.find((v) => v.approvable)!;
  await h.http.post(`${url}/${id}/approve`, { variantId: variant.id }, { headers: account.headers });
  await stack.temporal.client.workflow.getHandle(adCopyWorkflowId(id)).result();
  return adCopyWorkflowId(id);
}
