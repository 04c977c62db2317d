// Forever-save end to end (issue 16, docs/forever-save.md): fans who tick "also save this artist's next releases"
// on release 1 are delivered release 2 of the same artist without a visit — on Spotify and on Apple Music — and fans
// who did not tick are not; another artist's campaign enrols nobody; a fan whose authorization is revoked or expired
// is not enrolled; after a fan stops it (the stop link, or the deletion page) release 3 is not saved for them.
// Real PostgreSQL, Temporal, worker and API; Spotify and Apple Music only through their simulators.
import { z } from 'zod';
import { sql } from '../../db/pool';
import { deliveredMailTo } from '../helpers/mailbox';
import {
  addRelease,
  artistAccount,
  confirmSubscription,
  cookiesOf,
  fanIdOf,
  http,
  nextUpc,
  postCampaign,
  releaseInSeconds,
  savesOf,
  signInWithSpotify,
  useReleaseStack,
  waitFor,
  waitForCampaign,
} from '../helpers/release-stack';

const stack = useReleaseStack({ appleMusic: { ratePerSecond: 1000 } });
const sim = () => stack.appleMusic.state;
const BOTH = { platforms: ['spotify', 'apple_music'] };

/** A campaign of the account's artist on both platforms, its album live on Spotify and Apple Music at `release`. */
async function release(
  account: Awaited<ReturnType<typeof artistAccount>>,
  title: string,
  secondsAhead: number,
): Promise<{ id: string; slug: string; spotifyUri: string; appleAlbumId: string; at: number }> {
  const upc = nextUpc();
  const when = releaseInSeconds(secondsAhead);
  const created = addRelease(stack, upc, Date.now() - 1_000);
  const apple = sim().addAlbum({ storefront: 'us', upc, name: title, artistName: 'Luna Vey', liveAt: when.at });
  const { campaign } = await postCampaign(stack, account, title, { upc, release: when, fields: BOTH });
  expect(campaign.status).toBe(201);
  return {
    id: campaign.data.id,
    slug: campaign.data.slug,
    spotifyUri: created.album.uri,
    appleAlbumId: apple.id,
    at: when.at,
  };
}

/** A Spotify fan pre-saving from the page, the box ticked or not; the callback (its cookie is the fan's). */
async function spotifyFan(slug: string, user: string, tick: boolean) {
  const { callback } = await signInWithSpotify(
    `${stack.api.url}/l/${slug}/presave/spotify?tz=UTC${tick ? '&forever=1' : ''}`,
    { user },
  );
  expect(callback.status).toBe(303);
  return cookiesOf(callback);
}

/** An Apple Music fan pre-adding from the page (the token MusicKit would hand it), the box ticked or not. */
async function appleFan(slug: string, name: string, tick: boolean) {
  const fan = sim().upsertFan({ id: name, storefront: 'us' });
  const musicUserToken = sim().issueUserToken(stack.config.APPLE_MUSIC_TEAM_ID!, fan.id, 'us');
  const res = await http.post(
    `${stack.api.url}/l/${slug}/presave/apple-music`,
    { musicUserToken, ...(tick ? { foreverSave: true } : {}) },
    { headers: { origin: stack.api.url } },
  );
  expect(res.status).toBe(201);
  return cookiesOf(res);
}

const appleHas = (name: string, albumId: string) =>
  [...sim().libraryOf(name).values()].some((entry) => entry.catalogId === albumId);
const spotifyHas = (user: string, uri: string) =>
  stack.spotify.state.libraryOf(user).items.some((item) => item.uri === uri);

const presavesOf = (campaignId: string) =>
  stack.db.pool.any(sql.type(z.object({ fanId: z.string(), source: z.string(), state: z.string() }))`
    SELECT fan_id AS "fanId", source, state FROM presaves WHERE campaign_id = ${campaignId} ORDER BY fan_id`);

const fanCookie = (cookies: string) => /play_spotify_uid=([0-9a-f-]{36})/.exec(cookies)![1];

describe('forever-save', () => {
  it('delivers release 2 to fans who ticked it, without a visit, on both platforms; not after they stop it', async () => {
    const account = await artistAccount(stack);
    const other = await artistAccount(stack); // another artist (and account)

    // Release 1: the box is there, unticked.
    const r1 = await release(account, 'First Light', 3600);
    const page = await http.get(`${stack.api.url}/l/${r1.slug}`);
    expect(page.data).toContain('<input type="checkbox" id="forever-save" name="forever" value="1">');
    expect(page.data).toContain('Also save Luna Vey&#39;s next releases');

    const spotifyTicked = await spotifyFan(r1.slug, 'fs-spotify-tick', true);
    await spotifyFan(r1.slug, 'fs-spotify-keep', true);
    await spotifyFan(r1.slug, 'fs-spotify-plain', false);
    await spotifyFan(r1.slug, 'fs-spotify-revoked', true);
    await spotifyFan(r1.slug, 'fs-spotify-expired', true);
    const appleTicked = await appleFan(r1.slug, 'fs-apple-tick', true);
    await appleFan(r1.slug, 'fs-apple-plain', false);
    const appleRevoked = await appleFan(r1.slug, 'fs-apple-revoked', true);

    // The opt-in keeps the words the fan was shown; the thank-you page says what it does and links its stop.
    const consent = await stack.db.pool.any(sql.type(z.object({ text: z.string(), version: z.string() }))`
      SELECT consent_text AS text, consent_version AS version FROM forever_saves`);
    expect(consent).toHaveLength(6);
    expect(consent[0]).toEqual({
      text: expect.stringContaining("Also save Luna Vey's next releases"),
      version: 'forever-save-1',
    });
    const thanks = await http.get(`${stack.api.url}/l/${r1.slug}/thanks`, { headers: { cookie: spotifyTicked } });
    expect(thanks.data).toContain('We will also save Luna Vey&#39;s next releases for you.');
    const stopPath = /href="http:\/\/127\.0\.0\.1:\d+(\/f\/[^"]+)"/.exec(String(thanks.data))![1];

    // A ticked fan whose Spotify access was revoked, one whose consent ran out, an Apple fan to re-authorize.
    await stack.db.pool.query(sql.unsafe`
      UPDATE fan_tokens SET status = 'revoked' WHERE fan_id = ${await fanIdOf(stack, 'fs-spotify-revoked')}`);
    await stack.db.pool.query(sql.unsafe`
      UPDATE fan_tokens SET refresh_expires_at = now() - interval '1 day'
      WHERE fan_id = ${await fanIdOf(stack, 'fs-spotify-expired')}`);
    // (Apple refused its token on a call: db/apple-music-tokens.ts marks it so, and it is never sent again.)
    sim().revokeFan('fs-apple-revoked');
    await stack.db.pool.query(sql.unsafe`
      UPDATE apple_music_tokens SET status = 'reauthorize' WHERE fan_id = ${fanCookie(appleRevoked)}`);

    // Another artist's new campaign enrols none of them: another account's, or another artist of the same account.
    const elsewhere = await release(other, 'Not Theirs', 3600);
    const sibling = await http.post(`${stack.api.url}/v1/artists`, { name: 'Sol Vey' }, { headers: account.headers });
    expect(sibling.status).toBe(201);
    const siblings = await release({ ...account, artistId: sibling.data.id }, 'Same Label', 3600);

    // Release 2 of the same artist: the ticked fans with good tokens are in it as soon as it is planned.
    const r2 = await release(account, 'Second Light', 10);
    const enrolled = await waitForCampaign(
      stack,
      r2.id,
      account.headers,
      'enrolment',
      (r) => r.data.progress.total === 3,
    );
    expect(enrolled.data.progress).toMatchObject({ total: 3, pending: 3, foreverSave: 3 });
    const ledger = await http.get(`${stack.api.url}/v1/campaigns/${r2.id}/ledger`, { headers: account.headers });
    expect(ledger.data).toEqual({ reachable: 3, expiringBeforeRelease: 0, expired: 0, revoked: 0, foreverSave: 3 });

    const delivered = await waitForCampaign(
      stack,
      r2.id,
      account.headers,
      'release 2',
      (r) => r.data.progress.done === 3,
    );
    expect(delivered.data.progress).toMatchObject({ total: 3, done: 3, failed: 0, revoked: 0, foreverSave: 3 });
    expect(spotifyHas('fs-spotify-tick', r2.spotifyUri)).toBe(true);
    expect(spotifyHas('fs-spotify-keep', r2.spotifyUri)).toBe(true);
    expect(appleHas('fs-apple-tick', r2.appleAlbumId)).toBe(true);
    for (const user of ['fs-spotify-plain', 'fs-spotify-revoked', 'fs-spotify-expired'])
      expect(spotifyHas(user, r2.spotifyUri)).toBe(false);
    for (const name of ['fs-apple-plain', 'fs-apple-revoked']) expect(appleHas(name, r2.appleAlbumId)).toBe(false);
    // Saved at the release instant, not before.
    for (const user of ['fs-spotify-tick', 'fs-spotify-keep'])
      expect(savesOf(stack, user).at(-1)!.at).toBeGreaterThanOrEqual(r2.at);
    expect((await presavesOf(r2.id)).every((p) => p.source === 'forever_save' && p.state === 'done')).toBe(true);
    // Nothing crossed to the other artist.
    expect(await presavesOf(elsewhere.id)).toEqual([]);
    expect(await presavesOf(siblings.id)).toEqual([]);
    const theirs = await http.get(`${stack.api.url}/v1/campaigns/${elsewhere.id}`, { headers: other.headers });
    expect(theirs.data.progress).toMatchObject({ total: 0, foreverSave: 0 });

    // The Spotify fan stops it with the link from the thank-you page: a page with a button, then the stop.
    const stopPage = await http.get(`${stack.api.url}${stopPath}`);
    expect(stopPage.status).toBe(200);
    expect(stopPage.data).toContain('Stop saving Luna Vey&#39;s next releases?');
    const stopped = await http.post(`${stack.api.url}${stopPath}`);
    expect(stopped.status).toBe(200);
    expect(stopped.data).toContain('Stopped');
    expect((await http.post(`${stack.api.url}/f/not-a-token`)).status).toBe(400);

    // The Apple Music fan stops it on the deletion page, which lists it for their browser.
    const deletion = await http.get(`${stack.api.url}/privacy/delete`, { headers: { cookie: appleTicked } });
    expect(deletion.data).toContain('Next releases we save for you');
    const action = /<li>Luna Vey <form method="post" action="(\/f\/[^"]+)">/.exec(String(deletion.data))![1];
    expect((await http.post(`${stack.api.url}${action}`)).status).toBe(200);
    const after = await http.get(`${stack.api.url}/privacy/delete`, { headers: { cookie: appleTicked } });
    expect(after.data).toContain('None from this browser.');

    // Release 3: only the fan who kept it.
    const r3 = await release(account, 'Third Light', 8);
    const done3 = await waitForCampaign(stack, r3.id, account.headers, 'release 3', (r) => r.data.progress.done === 1);
    expect(done3.data.progress).toMatchObject({ total: 1, done: 1, foreverSave: 1 });
    expect(spotifyHas('fs-spotify-keep', r3.spotifyUri)).toBe(true);
    expect(spotifyHas('fs-spotify-tick', r3.spotifyUri)).toBe(false);
    expect(appleHas('fs-apple-tick', r3.appleAlbumId)).toBe(false);
    expect((await presavesOf(r3.id)).map((p) => p.fanId)).toEqual([await fanIdOf(stack, 'fs-spotify-keep')]);
  });

  it('a stop drops enrolled pre-saves not yet delivered, keeps a visit of its own, and links from every message', async () => {
    const account = await artistAccount(stack);
    const r1 = await release(account, 'Early', 3600);
    const cookie = await spotifyFan(r1.slug, 'fs-mail', true);
    // The fan also subscribes (their browser's fan cookie links the subscription to them).
    const subscribed = await http.post(
      `${stack.api.url}/l/${r1.slug}/subscribe`,
      new URLSearchParams({ email: 'fs-mail@example.com', consent: 'yes' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } },
    );
    expect(subscribed.status).toBe(200);
    await confirmSubscription(stack, 'fs-mail@example.com');
    const mails = await deliveredMailTo(stack, 'fs-mail@example.com');
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails)
      expect(mail.body).toMatch(/Stop saving Luna Vey's next releases: http:\/\/127\.0\.0\.1:\d+\/f\//);

    // Two later releases, far off: the fan is enrolled in both; they visit the second themselves.
    const r2 = await release(account, 'Later', 3600);
    const r3 = await release(account, 'Latest', 3600);
    await waitForCampaign(stack, r2.id, account.headers, 'enrolment 2', (r) => r.data.progress.foreverSave === 1);
    await waitForCampaign(stack, r3.id, account.headers, 'enrolment 3', (r) => r.data.progress.foreverSave === 1);
    await spotifyFan(r3.slug, 'fs-mail', false);
    expect(await presavesOf(r3.id)).toEqual([{ fanId: fanCookie(cookie), source: 'visit', state: 'pending' }]);

    const stopPath = /(\/f\/[A-Za-z0-9._-]+)/.exec(mails[0].body)![1];
    expect((await http.post(`${stack.api.url}${stopPath}`)).status).toBe(200);
    expect(await presavesOf(r2.id)).toEqual([]); // enrolled, not delivered: gone
    expect(await presavesOf(r3.id)).toEqual([{ fanId: fanCookie(cookie), source: 'visit', state: 'pending' }]);
    const view = await http.get(`${stack.api.url}/v1/campaigns/${r2.id}`, { headers: account.headers });
    expect(view.data.progress).toMatchObject({ total: 0, foreverSave: 0 });
    // Messages after the stop no longer carry it.
    await http.post(
      `${stack.api.url}/privacy/delete/email`,
      new URLSearchParams({ email: 'fs-mail@example.com' }).toString(),
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );
    const later = (await deliveredMailTo(stack, 'fs-mail@example.com')).slice(mails.length);
    expect(later).toHaveLength(1);
    expect(later[0].body).not.toContain('/f/');
  });

  it("a fan's erasure removes their opt-ins", async () => {
    const account = await artistAccount(stack);
    const r1 = await release(account, 'Erased', 3600);
    await spotifyFan(r1.slug, 'fs-erased', true);
    const fanId = await fanIdOf(stack, 'fs-erased');
    const count = () =>
      stack.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM forever_saves WHERE fan_id = ${fanId}`);
    expect(await count()).toBe(1);
    // The deletion page's way: the fan proves who they are with Spotify, and the erasure runs.
    const { callback } = await signInWithSpotify(`${stack.api.url}/privacy/delete/spotify`, { user: 'fs-erased' });
    expect(callback.status).toBe(303);
    const requestId = String(callback.headers.location).split('/').pop()!;
    await stack.temporal.client.workflow.getHandle(`fan-deletion:${requestId}`).result();
    expect(await count()).toBe(0);
    const r2 = await release(account, 'After Erasure', 3600);
    // Its release engine has planned it (enrolment runs with each plan), and enrolled nobody.
    await waitFor(
      'the first plan',
      () => stack.temporal.client.workflow.getHandle(`release:${r2.id}`).query<{ resolution: string }>('progress'),
      (p) => p.resolution !== 'unknown',
    );
    expect(await presavesOf(r2.id)).toEqual([]);
  });
});
