import { Router } from 'express';
import { type AppDeps } from '../deps';
import { openApiDocument, OPERATIONS } from '../openapi';
import { html, page } from '../pages/layout';

export function docsRoutes({ config }: AppDeps): Router {
  const router = Router();
  const document = openApiDocument(config.PUBLIC_URL);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(
      page(
        'dropday API',
        html`<h1>dropday API</h1><p><a href="/openapi.json">openapi.json</a> (OpenAPI 3.1)</p>
<table>${OPERATIONS.map((op) => html`<tr><td>${op.method.toUpperCase()}</td><td><code>${op.path}</code></td><td>${op.auth}</td><td>${op.summary}</td></tr>`)}</table>`,
      ),
    );
  });
  return router;
}
