// The release plan page of the artist app, as a browser without scripts uses it: the campaign page links it, the
// owner drafts a plan with a budget (template writer: no Gemini key here), edits an item, sees the confirmation of
// what accepting schedules and accepts through the form; a viewer reads the page but every change is refused (403)
// on the app's forms and on /v1, and nothing changes.
import { AppClient } from '../helpers/app-client';
import { signUpVerified } from '../helpers/app-sign-up';
import { deliveredMailTo } from '../helpers/mailbox';
import { http, postCampaign, useReleaseStack, waitFor } from '../helpers/release-stack';

const stack = useReleaseStack();
let seq = 0;
const address = () => `plan-${Date.now()}-${seq++}@example.com`;
const PASSWORD = 'correct horse battery';

const v1 = (browser: AppClient, csrf: string) => ({ headers: { cookie: browser.cookie, 'x-csrf-token': csrf } });

async function ownerWithCampaign() {
  const owner = await signUpVerified(stack, { name: 'Night Label', email: address(), password: PASSWORD });
  const csrf = await owner.csrfToken();
  const artist = await http.post(`${stack.api.url}/v1/artists`, { name: 'Luna Vey' }, v1(owner, csrf));
  expect(artist.status).toBe(201);
  const { campaign } = await postCampaign(
    stack,
    { ...v1(owner, csrf), artistId: artist.data.id as string },
    'Midnight Sun',
    { secondsAhead: 21 * 86400 + 3600 },
  );
  expect(campaign.status).toBe(201);
  return { owner, csrf, campaignId: campaign.data.id as string };
}

async function invitedViewer(owner: AppClient): Promise<AppClient> {
  const email = address();
  expect((await owner.submit('/app/settings', '/app/members', { email, role: 'viewer' })).status).toBe(201);
  const mail = (await deliveredMailTo(stack, email)).find((m) => m.subject.startsWith('You are invited'));
  const link = /(https?:\/\/\S+\/app\/invite\/\S+)/.exec(mail?.body ?? '')?.[1];
  if (!link) throw new Error('no invitation mail');
  const browser = new AppClient(stack.api.url);
  expect((await browser.submit(link, new URL(link).pathname, { password: PASSWORD })).status).toBe(303);
  return browser;
}

describe('release plan page', () => {
  it('drafts, edits and accepts through plain forms; a viewer reads and changes nothing', async () => {
    const { owner, csrf, campaignId } = await ownerWithCampaign();
    const page = `/app/campaigns/${campaignId}/plan`;
    expect((await owner.get(`/app/campaigns/${campaignId}`)).data).toContain(`href="${page}"`);

    const empty = await owner.get(page);
    expect(empty.status).toBe(200);
    expect(empty.data).toContain('<label for="plan-amount">');
    expect(String(empty.headers['content-security-policy'])).toContain("script-src 'self'");
    const drafted = await owner.submit(page, page, { amount: '200', currency: 'EUR' });
    expect(drafted.status).toBe(303);
    const ready = await waitFor(
      'the drafted plan on the page',
      () => owner.get(page),
      (r) => r.data.includes('data-status="draft"'),
      30_000,
    );
    expect(ready.data).toContain('Written by the template writer');
    expect(ready.data).toContain('EUR 200.00');

    // Edit the first task's title through its form.
    const plan = (await http.get(`${stack.api.url}/v1/campaigns/${campaignId}/plan`, v1(owner, csrf))).data as {
      items: { id: string; kind: string; day: number; title: string; text: string }[];
    };
    const task = plan.items.find((i) => i.kind === 'task')!;
    const action = `${page}/items/${task.id}`;
    const saved = await owner.submit(page, action, {
      day: String(task.day),
      title: 'Pitch to playlists',
      text: task.text,
    });
    expect(saved.status).toBe(303);
    // An edit that breaks the ad policy is refused with the reason, and nothing changed.
    const refused = await owner.submit(page, action, {
      day: String(task.day),
      title: 'Guaranteed viral hit',
      text: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.data).toContain('Nothing was changed');

    // The viewer.
    const viewer = await invitedViewer(owner);
    const seen = await viewer.get(page);
    expect(seen.status).toBe(200);
    expect(seen.data).toContain('Pitch to playlists');
    expect(seen.data).not.toContain('id="accept-plan"');
    const viewerCsrf = await viewer.csrfToken();
    expect((await viewer.postRaw(`${page}/accept`, { csrf: viewerCsrf, confirm: 'yes' })).status).toBe(403);
    const v1Write = await http.post(
      `${stack.api.url}/v1/campaigns/${campaignId}/plan/accept`,
      {},
      v1(viewer, viewerCsrf),
    );
    expect(v1Write.status).toBe(403);

    // The confirmation lists what will be scheduled; without the tick nothing happens; with it the plan is accepted.
    const before = await owner.get(page);
    expect(before.data).toContain('Accepting schedules:');
    expect((await owner.submit(page, `${page}/accept`, {})).status).toBe(400);
    const accepted = await owner.submit(page, `${page}/accept`, { confirm: 'yes' });
    expect(accepted.status).toBe(303);
    const after = await owner.get(page);
    expect(after.data).toContain('data-status="accepted"');
    expect(after.data).toContain('Task: yours to do');
    expect(after.data).toContain('On: reminders go out automatically');
  });
});
