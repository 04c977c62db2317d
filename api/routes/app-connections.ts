// The connections page of the artist app (../pages/app-connections.ts): every service's state, connect through the
// existing confirmed connect flow (../oauth/artist-connections.ts), and disconnect after saying what it will do
// (../connection-disconnect.ts, the same function as DELETE /v1/connections/:id). Owners and managers change;
// viewers see. Another account's connection id is "not found". Every disconnect is audited with the member's id.
import { type Request, type Response, Router } from 'express';
import { audit } from '../../db/audit-log';
import { type Connection, listConnections } from '../../db/connections';
import { disconnectForm } from '../app-forms';
import { type AppPageKit, mayCall, mayChange, mayWrite } from '../app-page-kit';
import { sessionCsrf } from '../app-session';
import { type AuthContext } from '../auth';
import { type ConnectionDisconnect } from '../connection-disconnect';
import { type AppDeps } from '../deps';
import { type ArtistConnections, CONNECTION_PROVIDERS, type ConnectionProvider } from '../oauth/artist-connections';
import { type ConnectionState, connectionsPage, disconnectPage, type ServiceView } from '../pages/app-connections';

/** Long-lived tokens with no refresh token (Meta, Instagram) this close to their end count as expiring. */
const EXPIRING_WITHIN_MS = 7 * 24 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SERVICES: readonly { provider: ConnectionProvider | null; label: string; uses: string }[] = [
  {
    provider: 'spotify',
    label: 'Spotify',
    uses: 'Your own Spotify account as the artist (read only). Fans’ pre-saves use the fans’ own sign-ins.',
  },
  {
    provider: 'meta',
    label: 'Meta',
    uses: 'Ads on Facebook and Instagram, created paused and launched on release day.',
  },
  { provider: 'google', label: 'Google Ads', uses: 'YouTube and Google ads (Demand Gen) for the release.' },
  {
    provider: 'instagram',
    label: 'Instagram',
    uses: 'Posts published at the release instant, and the comments and messages of your professional accounts.',
  },
  {
    provider: null,
    label: 'Apple Music',
    uses: 'Fans pre-add the release with their own Apple ID; dropday uses its own Apple Music key, so there is nothing for you to connect.',
  },
];

function stateOf(c: Connection, now: number): ConnectionState {
  if (c.status === 'needs_reconnect') return 'needs_reconnect';
  const longLived = c.provider === 'meta' || c.provider === 'instagram';
  if (longLived && c.accessExpiresAt !== null && c.accessExpiresAt - now < EXPIRING_WITHIN_MS) return 'expiring';
  return 'active';
}

export function appConnectionRoutes(
  { pool, providers }: AppDeps,
  kit: AppPageKit,
  connections: ArtistConnections,
  disconnect: ConnectionDisconnect,
): Router {
  const router = Router();
  const { send, form, keys } = kit;

  async function render(req: Request, res: Response, session: AuthContext, status = 200, extra = {}) {
    const all = await listConnections(pool, session.accountId);
    const now = Date.now();
    const services: ServiceView[] = SERVICES.map((s) => ({
      ...s,
      configured: s.provider ? connections.configured(s.provider) : providers.appleMusic !== null,
      connections: all
        .filter((c) => c.provider === s.provider)
        .map((connection) => ({ connection, state: stateOf(connection, now) })),
    }));
    send(
      res,
      status,
      connectionsPage({ csrf: sessionCsrf(keys, req)!, services, canChange: mayChange(session, 'manager'), ...extra }),
    );
  }

  /**
   * The session when it may do what the route asks: `write`, the route's own entry in ../write-roles.ts; `form`, a
   * page that is only the form of that POST route (so it refuses as the route would). Otherwise answers (sign-in, or
   * 403 with the page) and null.
   */
  async function allowed(req: Request, res: Response, gate: 'read' | 'write' | { form: string }) {
    const session = await kit.session(req);
    if (!session) {
      res.redirect(303, '/app');
      return null;
    }
    const may = gate === 'read' || (gate === 'write' ? mayWrite(session, req) : mayCall(session, 'POST', gate.form));
    if (!may) {
      await render(req, res, session, 403, {
        error: 'Viewers see the connections; an owner or manager changes them. Nothing was changed.',
      });
      return null;
    }
    return session;
  }

  const notFound = (req: Request, res: Response, session: AuthContext) =>
    render(req, res, session, 404, { error: 'No such connection in this account. Nothing was changed.' });

  router.get('/app/connections', async (req, res) => {
    const session = await allowed(req, res, 'read');
    if (!session) return;
    const notice = req.query.disconnected === '1' ? 'Disconnected.' : undefined;
    await render(req, res, session, 200, { notice });
  });

  router.post('/app/connections/:provider', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const provider = CONNECTION_PROVIDERS.find((p) => p === req.params.provider);
    if (!provider) return render(req, res, session, 404, { error: 'No such service. Nothing was changed.' });
    const started = connections.start(provider, session.accountId);
    if (!started.configured)
      return render(req, res, session, 503, {
        error: `${started.label} cannot be connected here: it is not configured.`,
      });
    // The existing connect flow: its confirmation page, then the provider.
    res.redirect(303, started.link);
  });

  router.get('/app/connections/:id/disconnect', async (req, res) => {
    const session = await allowed(req, res, { form: '/app/connections/:id/disconnect' });
    if (!session) return;
    const id = String(req.params.id);
    const preview = UUID.test(id) ? await disconnect.preview(session.accountId, id) : null;
    if (!preview) return notFound(req, res, session);
    const label = SERVICES.find((s) => s.provider === preview.connection.provider)!.label;
    send(res, 200, disconnectPage({ csrf: sessionCsrf(keys, req)!, label, preview }));
  });

  router.post('/app/connections/:id/disconnect', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const id = String(req.params.id);
    const preview = UUID.test(id) ? await disconnect.preview(session.accountId, id) : null;
    if (!preview) return notFound(req, res, session);
    const label = SERVICES.find((s) => s.provider === preview.connection.provider)!.label;
    const csrf = sessionCsrf(keys, req)!;
    if (!disconnectForm.safeParse(req.body ?? {}).success)
      return send(
        res,
        400,
        disconnectPage({ csrf, label, preview, error: 'Tick the box to say you understand. Nothing was changed.' }),
      );
    const done = await disconnect.disconnect(session.accountId, id);
    if (done.outcome === 'not_found') return notFound(req, res, session);
    if (done.outcome === 'in_use') return send(res, 409, disconnectPage({ csrf, label, preview: done }));
    await audit(pool, {
      action: 'connection.disconnect',
      target: `connection:${id}`,
      actor: `member:${session.member!.id}`,
      accountId: session.accountId,
    });
    res.redirect(303, '/app/connections?disconnected=1');
  });

  return router;
}
