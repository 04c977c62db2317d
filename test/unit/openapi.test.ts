// The OpenAPI document lists every route the app registers (and nothing it does not).
import { type Express } from 'express';
import { createApp } from '../../api/app';
import { createMetricsRegistry } from '../../api/metrics';
import { openApiDocument } from '../../api/openapi';
import { createLogger } from '../../lib/logger';
import { testConfig } from '../helpers/config';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function registeredRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push(`${method} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...new Set(out)].sort();
}

describe('OpenAPI document', () => {
  it('covers every registered route, exactly', () => {
    const { config, keyRing } = testConfig();
    // Building the app touches none of its dependencies; only the route table is read here.
    const app = createApp({
      config,
      keyRing,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetricsRegistry(),
      pool: {} as never,
      temporal: {} as never,
      releaseEngine: {} as never,
      providers: {} as never,
    });
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(40);
    const doc = openApiDocument('http://127.0.0.1:3000');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`))
      .sort();
    expect(routes).toEqual(documented);
    expect(doc.openapi).toBe('3.1.0');
    const createCampaign = doc.paths['/v1/campaigns'].post as {
      requestBody: {
        content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[] } } };
      };
    };
    expect(Object.keys(createCampaign.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining([
        'artistId',
        'title',
        'upc',
        'isrc',
        'releaseDate',
        'releaseTime',
        'releasePolicy',
        'timeZone',
        'followArtist',
        'platforms',
      ]),
    );
    expect(createCampaign.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['artistId', 'title', 'releaseDate', 'releasePolicy', 'timeZone']),
    );
  });
});
