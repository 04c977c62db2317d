import { ConfigError, loadConfig } from '../../lib/config';

const base = { ENCRYPTION_KEYS: 'k1:AAAA', STATE_SIGNING_SECRET: 's'.repeat(32) };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config.SPOTIFY_API_MODE).toBe('development');
    expect(config.SPOTIFY_ACCOUNTS_URL).toBe('https://accounts.spotify.com');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.PORT).toBe(3000);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({
        ...base,
        PORT: 'eighty',
        SPOTIFY_API_MODE: 'turbo',
        STATE_SIGNING_SECRET: '',
        SPOTIFY_API_URL: 'not a url',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).issues.map((i) => i.variable).sort();
    expect(variables).toEqual(['PORT', 'SPOTIFY_API_MODE', 'SPOTIFY_API_URL', 'STATE_SIGNING_SECRET']);
    expect((error as ConfigError).message).toMatch(/STATE_SIGNING_SECRET: is required/);
  });
});
