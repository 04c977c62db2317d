// The settings routes of the artist app: API keys (created and shown once, revoked), members (invited, given a role,
// removed), the verification e-mail again. Changing keys and members needs an owner (../write-roles.ts); every change is audited with
// the member's id. Another account's key or member id is "not found", as on /v1.
import { type Request, type Response, Router } from 'express';
import { findAccount, insertApiKey, listArtistKeys, revokeArtistKey } from '../../db/accounts';
import { audit } from '../../db/audit-log';
import { countActiveMemberSessions } from '../../db/member-sessions';
import { findMember, listMembers } from '../../db/members';
import { generateApiKey, hashApiKey } from '../../lib/crypto/hash';
import { type AppPageKit, mayChange, mayWrite } from '../app-page-kit';
import { changeMemberForm, createKeyForm, formProblem, inviteForm } from '../app-forms';
import { sessionCsrf } from '../app-session';
import { type AuthContext } from '../auth';
import { type AppDeps } from '../deps';
import { type EmailVerification } from '../email-verification';
import { type MemberAccounts } from '../member-accounts';
import { settingsPage, type SettingsView } from '../pages/app-settings';
import { messagePage } from '../pages/smart-link';

export function appSettingsRoutes(
  { pool, keyRing }: AppDeps,
  kit: AppPageKit,
  people: MemberAccounts,
  verification: EmailVerification,
): Router {
  const router = Router();
  const { send, form, keys } = kit;

  async function render(
    req: Request,
    res: Response,
    session: AuthContext,
    extra: Partial<SettingsView> = {},
    status = 200,
  ) {
    const account = await findAccount(pool, session.accountId);
    if (!account) return send(res, 404, messagePage('Account gone', 'This account is being deleted.'));
    const me = session.member ? await findMember(pool, keyRing, session.member.id) : null;
    send(
      res,
      status,
      settingsPage({
        csrf: sessionCsrf(keys, req)!,
        account,
        me,
        sessions: me ? await countActiveMemberSessions(pool, me.id) : 0,
        keys: await listArtistKeys(pool, session.accountId),
        members: await listMembers(pool, keyRing, session.accountId),
        canManage: mayChange(session, 'owner'),
        ...extra,
      }),
    );
  }

  /** The session, when it may read or make this route's change (../write-roles.ts); otherwise answers (sign-in, or
   * 403 with the page) and null. */
  async function allowed(req: Request, res: Response, needs: 'write' | 'read') {
    const session = await kit.session(req);
    if (!session) {
      res.redirect(303, '/app');
      return null;
    }
    if (needs === 'write' && !mayWrite(session, req)) {
      await render(
        req,
        res,
        session,
        { error: 'Only an owner of this account can do that. Nothing was changed.' },
        403,
      );
      return null;
    }
    return session;
  }

  const actor = (session: AuthContext) => `member:${session.member!.id}`;

  router.get('/app/settings', async (req, res) => {
    const session = await allowed(req, res, 'read');
    if (session) await render(req, res, session);
  });

  router.post('/app/keys', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const body = createKeyForm.safeParse(req.body);
    if (!body.success) return render(req, res, session, { error: formProblem(body.error) }, 400);
    const apiKey = generateApiKey('artist');
    await insertApiKey(pool, {
      accountId: session.accountId,
      role: 'artist',
      keyHash: hashApiKey(apiKey),
      name: body.data.name,
    });
    await audit(pool, {
      action: 'api_key.create',
      target: `account:${session.accountId}`,
      actor: actor(session),
      accountId: session.accountId,
    });
    await render(req, res, session, { newKey: apiKey }, 201);
  });

  router.post('/app/keys/:id/revoke', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const keyId = String(req.params.id);
    const revoked =
      /^[0-9a-f-]{36}$/.test(keyId) && (await revokeArtistKey(pool, { accountId: session.accountId, keyId }));
    if (!revoked) return render(req, res, session, { error: 'No such key in this account. Nothing was changed.' }, 404);
    await audit(pool, {
      action: 'api_key.revoke',
      target: `api_key:${keyId}`,
      actor: actor(session),
      accountId: session.accountId,
    });
    await render(req, res, session, { notice: 'The key is revoked: it stopped working.' });
  });

  router.post('/app/members', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const body = inviteForm.safeParse(req.body);
    if (!body.success) return render(req, res, session, { error: formProblem(body.error) }, 400);
    const invited = await people.invite({ accountId: session.accountId, byMemberId: session.member!.id, ...body.data });
    if (invited === 'address_taken')
      return render(
        req,
        res,
        session,
        {
          error: 'That address already signs in to a dropday account, and an address belongs to one. Nothing was sent.',
        },
        409,
      );
    await render(req, res, session, { notice: `Invitation sent to ${body.data.email}.` }, 201);
  });

  router.post('/app/members/:id', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const body = changeMemberForm.safeParse(req.body);
    if (!body.success) return render(req, res, session, { error: formProblem(body.error) }, 400);
    const memberId = String(req.params.id);
    const outcome = /^[0-9a-f-]{36}$/.test(memberId)
      ? await people.changeMember({
          accountId: session.accountId,
          byMemberId: session.member!.id,
          memberId,
          role: body.data.role,
        })
      : 'not_found';
    if (outcome === 'not_found')
      return render(req, res, session, { error: 'No such member in this account. Nothing was changed.' }, 404);
    if (outcome === 'last_owner')
      return render(
        req,
        res,
        session,
        { error: 'An account keeps at least one owner: make someone else owner first. Nothing was changed.' },
        409,
      );
    await render(req, res, session, {
      notice: body.data.role === 'removed' ? 'The member is removed and signed out.' : 'The role is changed.',
    });
  });

  router.post('/app/verification', ...form, async (req, res) => {
    const session = await allowed(req, res, 'write');
    if (!session) return;
    const account = await findAccount(pool, session.accountId);
    if (account && account.emailVerifiedAt === null) await verification.queue(pool, account);
    await render(req, res, session, { notice: 'If the address can still be verified, the link is on its way.' });
  });

  return router;
}
