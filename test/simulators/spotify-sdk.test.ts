// Conformance: Spotify's own Web API SDK (@spotify/web-api-ts-sdk, no dropday code) against the Spotify simulator,
// with a fan's access token from the simulator's token endpoint (authorization code + PKCE): album and track search,
// get album, save albums (the SDK sends a bare JSON array), the saved-albums list, follow an artist, and the
// `contains` checks. The SDK takes a `fetch` in its config; ours sends https://api.spotify.com to the simulator.
import { createHash, randomBytes } from 'node:crypto';
import { SpotifyApi, type AccessToken } from '@spotify/web-api-ts-sdk';
import { startSpotifySimulator } from '../../simulators/spotify';

const CLIENT_ID = 'sdk-test-client';
const REDIRECT_URI = 'http://127.0.0.1:9999/oauth/spotify/callback';
const SCOPES = 'user-library-modify user-library-read user-follow-modify user-follow-read';

let sim: Awaited<ReturnType<typeof startSpotifySimulator>>;
beforeAll(async () => {
  sim = await startSpotifySimulator({ clientId: CLIENT_ID, port: 0 });
});
afterAll(() => sim?.close());

/** The fan consents on the simulator's page, then the code is exchanged with its PKCE verifier. */
async function fanToken(): Promise<AccessToken> {
  const verifier = randomBytes(32).toString('base64url');
  const consent = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    code_challenge_method: 'S256',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    decision: 'accept',
  });
  const redirect = await fetch(`${sim.url}/authorize`, { method: 'POST', body: consent, redirect: 'manual' });
  const code = new URL(String(redirect.headers.get('location'))).searchParams.get('code') as string;
  const exchange = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  });
  const token = await fetch(`${sim.url}/api/token`, { method: 'POST', body: exchange });
  expect(token.status).toBe(200);
  return (await token.json()) as AccessToken;
}

function sdkFor(token: AccessToken): SpotifyApi {
  return SpotifyApi.withAccessToken(CLIENT_ID, token, {
    fetch: (url, init) => fetch(String(url).replace('https://api.spotify.com', sim.url), init),
  });
}

function release() {
  const upc = String(Math.floor(Math.random() * 1e12)).padStart(12, '0');
  const isrc = `QZES7${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  const created = sim.state.addRelease({
    artist: { name: 'The Sandboxes' },
    album: { name: 'Loopback', upc, tracks: [{ name: 'Track 1', isrc }] },
    liveAt: Date.now() - 60_000,
  });
  return { upc, isrc, albumId: created.album.id, artistId: created.artist.id, trackId: created.tracks[0].id };
}

describe('@spotify/web-api-ts-sdk against the Spotify simulator', () => {
  it('finds a release by UPC and ISRC and reads the album', async () => {
    const r = release();
    const spotify = sdkFor(await fanToken());
    const albums = await spotify.search(`upc:${r.upc}`, ['album']);
    expect(albums.albums.items.map((a) => a.id)).toEqual([r.albumId]);
    const tracks = await spotify.search(`isrc:${r.isrc}`, ['track']);
    expect(tracks.tracks.items.map((t) => t.id)).toEqual([r.trackId]);

    const album = await spotify.albums.get(r.albumId);
    expect(album).toMatchObject({ id: r.albumId, name: 'Loopback', external_ids: { upc: r.upc } });
    expect(album.tracks.items.map((t) => t.id)).toEqual([r.trackId]);
  });

  it('saves an album with the bare-array body, lists it in the library and answers contains', async () => {
    const r = release();
    const spotify = sdkFor(await fanToken());
    expect(await spotify.currentUser.albums.hasSavedAlbums([r.albumId])).toEqual([false]);
    await spotify.currentUser.albums.saveAlbums([r.albumId]);

    expect(await spotify.currentUser.albums.hasSavedAlbums([r.albumId])).toEqual([true]);
    const saved = await spotify.currentUser.albums.savedAlbums(10);
    expect(saved.items.map((item) => item.album.id)).toEqual([r.albumId]);
    expect(saved.items[0].added_at).toEqual(expect.any(String));
    const me = await spotify.currentUser.profile();
    expect(sim.state.libraryOf(me.id).items.map((entry) => entry.uri)).toContain(`spotify:album:${r.albumId}`);
  });

  it('follows an artist and answers the following contains check', async () => {
    const r = release();
    const spotify = sdkFor(await fanToken());
    await spotify.currentUser.followArtistsOrUsers([r.artistId], 'artist');
    expect(await spotify.currentUser.followsArtistsOrUsers([r.artistId], 'artist')).toEqual([true]);
  });

  it("surfaces the simulator's errors through the SDK's error handling", async () => {
    const token = await fanToken();
    const spotify = sdkFor(token);
    await expect(spotify.albums.get('0000000000000000000000')).rejects.toThrow(/404.*"Resource not found"/s);
    const me = await spotify.currentUser.profile();
    sim.state.revokeUser(me.id);
    await expect(spotify.currentUser.albums.hasSavedAlbums(['0000000000000000000000'])).rejects.toThrow(
      /Bad or expired token/,
    );
  });
});
