// Every change a member makes through /v1 from the app (the session cookie with its X-CSRF-Token, see
// ./app-session.ts) is audited with the member's id: the route pattern and the path (ids only, never a body, so
// no personal data reaches the audit log), once the change has succeeded.
import { type RequestHandler } from 'express';
import { audit } from '../db/audit-log';
import { type DatabasePool } from '../db/pool';
import { type Logger } from '../lib/logger';
import { type AuthContext } from './auth';

export function auditMemberChanges(pool: DatabasePool, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const auth = res.locals.auth as AuthContext | undefined;
    if (!auth?.member || req.method === 'GET' || req.method === 'HEAD') return next();
    const member = auth.member;
    res.on('finish', () => {
      if (res.statusCode >= 400) return;
      const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
      audit(pool, {
        action: `app ${req.method} ${route}`,
        target: req.originalUrl.split('?')[0]!.slice(0, 300),
        actor: `member:${member.id}`,
        accountId: auth.accountId,
      }).catch((error: unknown) => logger.error({ err: error }, 'could not audit a member change'));
    });
    next();
  };
}
