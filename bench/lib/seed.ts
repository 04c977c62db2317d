// The bulk path that seeds a benchmark's fans: each one a user of the Spotify simulator with the token set a consent
// would produce (issued by the simulator, so every later call is checked as usual), written straight into fans,
// fan_tokens (encrypted, as the OAuth callback stores them) and presaves through the db/ modules, one multi-row
// statement per table and chunk. The HTTP pre-save flow stays measured on a share of the fans (bench/release.ts);
// this path only makes 100,000 fans affordable in a run. Each fan's pre-save is due at the instant given. Apple
// Music fans the same way (seedAppleMusicPresavesInBulk), for `bench:release --apple-share`.
import { randomUUID } from 'node:crypto';
import { insertAppleMusicTokensInBulk } from '../../db/apple-music-tokens';
import { insertConsentedFans, insertFansInBulk } from '../../db/fans';
import { type DatabasePool } from '../../db/pool';
import { insertDuePresaves } from '../../db/presaves';
import { type KeyRing } from '../../lib/crypto/keyring';
import { type AppleMusicSimState } from '../../simulators/apple-music/state';
import { type SpotifySimState } from '../../simulators/spotify';

export interface SeededFan {
  user: string;
  timeZone: string;
  dueAt: number;
}

export async function seedPresavesInBulk(
  deps: { pool: DatabasePool; keyRing: KeyRing; spotify: SpotifySimState },
  input: { campaignId: string; fans: readonly SeededFan[]; chunk?: number },
): Promise<number> {
  const chunk = input.chunk ?? 2_000;
  let seeded = 0;
  for (let start = 0; start < input.fans.length; start += chunk) {
    const fans = input.fans.slice(start, start + chunk).map((fan) => {
      deps.spotify.upsertUser({ id: fan.user });
      const t = deps.spotify.issueTokensForUser(fan.user);
      return {
        id: randomUUID(),
        provider: 'spotify',
        providerUserId: fan.user,
        timeZone: fan.timeZone,
        dueAt: fan.dueAt,
        tokens: {
          accessToken: t.access_token,
          refreshToken: t.refresh_token!,
          expiresInSeconds: t.expires_in,
          scope: t.scope,
          consentedAt: Date.now(),
        },
      };
    });
    await deps.pool.transaction(async (tx) => {
      await insertConsentedFans(tx, deps.keyRing, fans);
      seeded += await insertDuePresaves(tx, {
        campaignId: input.campaignId,
        platform: 'spotify',
        rows: fans.map((f) => ({ fanId: f.id, dueAt: f.dueAt })),
      });
    });
  }
  return seeded;
}

/**
 * The same bulk path for Apple Music fans: each one a fan of the Apple Music simulator holding a Music-User-Token it
 * issued for the bench's developer team (so every later call is checked as usual), written into fans,
 * apple_music_tokens (encrypted, as the pre-add stores them) and presaves (`apple_music`), due at the instant given.
 */
export async function seedAppleMusicPresavesInBulk(
  deps: { pool: DatabasePool; keyRing: KeyRing; appleMusic: AppleMusicSimState; teamId: string },
  input: { campaignId: string; fans: readonly SeededFan[]; storefront?: string; chunk?: number },
): Promise<number> {
  const chunk = input.chunk ?? 2_000;
  const storefront = input.storefront ?? 'us';
  let seeded = 0;
  for (let start = 0; start < input.fans.length; start += chunk) {
    const fans = input.fans.slice(start, start + chunk).map((fan) => ({
      id: randomUUID(),
      provider: 'apple_music',
      // As the pre-add does: the token is no user id, the fan is our own id.
      providerUserId: randomUUID(),
      timeZone: fan.timeZone,
      dueAt: fan.dueAt,
      musicUserToken: deps.appleMusic.issueUserToken(deps.teamId, fan.user, storefront),
    }));
    await deps.pool.transaction(async (tx) => {
      const fresh = await insertFansInBulk(tx, fans);
      const rows = fans.filter((f) => fresh.has(f.id));
      await insertAppleMusicTokensInBulk(
        tx,
        deps.keyRing,
        rows.map((f) => ({ fanId: f.id, musicUserToken: f.musicUserToken, storefront, consentedAt: Date.now() })),
      );
      seeded += await insertDuePresaves(tx, {
        campaignId: input.campaignId,
        platform: 'apple_music',
        rows: rows.map((f) => ({ fanId: f.id, dueAt: f.dueAt })),
      });
    });
  }
  return seeded;
}
