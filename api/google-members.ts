// What a Google identity, verified by ./oauth/google-sign-in.ts, may do in the artist app, as use cases testable
// without HTTP:
// - a Google account linked to a member signs in as that member;
// - an address that already signs in to dropday is linked only after the person proves that member's password (the
//   usual sign-in, with its lock-out): Google vouching for an address is not enough to take over a dropday sign-in
//   someone else may have set up, and never for an address dropday has not seen verified;
// - a new address creates an account with its owner, whose address Google verified;
// - an invitation is accepted with Google (started from the invitation's own page) only when Google verified the very
//   address invited: the member is linked to that Google account and signs in with it from then on;
// - an address Google has not verified does nothing.
// Between the callback and the password (or the new account's name) the identity travels as a signed, short-lived
// form field (`google-sign-in`), never in the database. Every sign-in, link and account is audited with member ids.
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { audit } from '../db/audit-log';
import { markEmailVerified } from '../db/accounts';
import {
  findMember,
  findMemberByGoogle,
  findMemberByLookup,
  insertMember,
  linkMemberToGoogle,
  markMemberEmailVerified,
  type Member,
} from '../db/members';
import { createLookupHasher, lookupHashSecret } from '../lib/crypto/lookup-hash';
import { SignedValueError, signingKeys } from '../lib/crypto/signed-value';
import { type GoogleIdentity } from '../lib/providers/google-sign-in';
import { createAccount } from './account-creation';
import { type AppDeps } from './deps';
import { type EmailVerification } from './email-verification';
import { type MemberAccounts, memberEmailLookup } from './member-accounts';

const PENDING_TTL_MS = 15 * 60_000;
const pendingPayload = z.object({ g: z.string().min(1), e: z.string().email(), n: z.string().nullable() }).strict();
type Pending = z.infer<typeof pendingPayload>;

export type GoogleArrival =
  | { kind: 'signed_in'; member: Member }
  /** the address signs in to dropday: its password links Google to it */
  | { kind: 'link'; pending: string; email: string }
  /** the address belongs to a member whose address was never proved */
  | { kind: 'address_not_verified'; email: string }
  /** the address has an invitation not accepted yet: it is accepted from the invitation's page */
  | { kind: 'invited'; email: string }
  | { kind: 'new'; pending: string; email: string; name: string | null }
  /** Google has not verified the address */
  | { kind: 'email_not_verified' };

/** Accepting an invitation with Google: the member, or why not. */
export type GoogleInvitationAnswer =
  | { kind: 'joined'; member: Member }
  /** accepted, removed or deleted meanwhile */
  | { kind: 'invitation_closed' }
  /** Google verified another address than the one invited */
  | { kind: 'other_address'; invited: string; google: string }
  /** this Google account signs in to dropday as someone already */
  | { kind: 'google_account_in_use' }
  | { kind: 'email_not_verified' };

export type GoogleMembers = ReturnType<typeof createGoogleMembers>;

export function createGoogleMembers(
  deps: AppDeps,
  verification: EmailVerification,
  people: Pick<MemberAccounts, 'signIn' | 'invitation'>,
) {
  const { pool, keyRing, config } = deps;
  const keys = signingKeys(config);
  const emailLookup = memberEmailLookup(config);
  const hash = createLookupHasher(lookupHashSecret(config));
  const subjectLookup = (sub: string) => hash(`google:${sub}`);
  const actor = (id: string) => `member:${id}`;

  function readPending(token: string): Pending | null {
    try {
      const parsed = pendingPayload.safeParse(keys.verify('google-sign-in', token).payload);
      return parsed.success ? parsed.data : null;
    } catch (error) {
      if (error instanceof SignedValueError) return null;
      throw error;
    }
  }

  return {
    /** The address a pending identity is for (to say it again on its form), or null. */
    pendingEmail: (token: string) => readPending(token)?.e ?? null,

    async arrive(identity: GoogleIdentity): Promise<GoogleArrival> {
      if (!identity.emailVerified) return { kind: 'email_not_verified' };
      const g = subjectLookup(identity.sub);
      const linked = await findMemberByGoogle(pool, keyRing, g);
      if (linked) {
        await audit(pool, {
          action: 'member.sign_in_google',
          target: `member:${linked.id}`,
          actor: actor(linked.id),
          accountId: linked.accountId,
        });
        return { kind: 'signed_in', member: linked };
      }
      const pending = keys.sign<Pending>('google-sign-in', { g, e: identity.email, n: identity.name }, PENDING_TTL_MS);
      const existing = await findMemberByLookup(pool, keyRing, emailLookup(identity.email));
      if (!existing) return { kind: 'new', pending, email: identity.email, name: identity.name };
      // Only an invitation makes a member with neither a password nor a Google account.
      if (existing.passwordHash === null && !existing.googleLinked) return { kind: 'invited', email: identity.email };
      if (existing.emailVerifiedAt === null || existing.passwordHash === null)
        return { kind: 'address_not_verified', email: identity.email };
      return { kind: 'link', pending, email: identity.email };
    },

    /** The member of an invitation still open (its page starts the Google sign-in with it), or null. */
    invitedMember: async (token: string) => (await people.invitation(token))?.member ?? null,

    /**
     * Accepts the invitation of `memberId` (named by the sign-in's own OAuth state) with this Google identity, when
     * Google verified the address invited: the invitation mail and Google then prove the same address.
     */
    async acceptInvitation(memberId: string, identity: GoogleIdentity): Promise<GoogleInvitationAnswer> {
      if (!identity.emailVerified) return { kind: 'email_not_verified' };
      const member = await findMember(pool, keyRing, memberId);
      if (!member || member.passwordHash !== null || member.googleLinked) return { kind: 'invitation_closed' };
      if (emailLookup(identity.email) !== emailLookup(member.email))
        return { kind: 'other_address', invited: member.email, google: identity.email };
      if (!(await linkMemberToGoogle(pool, member.id, subjectLookup(identity.sub))))
        return { kind: 'google_account_in_use' };
      await markMemberEmailVerified(pool, member.id);
      await audit(pool, {
        action: 'member.join_google',
        target: `member:${member.id}`,
        actor: actor(member.id),
        accountId: member.accountId,
      });
      return { kind: 'joined', member };
    },

    /** Links the pending Google identity once the member's password is proved; the member, or why not. */
    async link(token: string, password: string): Promise<Member | 'invalid' | 'refused' | 'already_linked'> {
      const pending = readPending(token);
      if (!pending) return 'invalid';
      const member = await people.signIn({ email: pending.e, password });
      if (member === 'refused') return 'refused';
      if (!(await linkMemberToGoogle(pool, member.id, pending.g))) return 'already_linked';
      await audit(pool, {
        action: 'member.link_google',
        target: `member:${member.id}`,
        actor: actor(member.id),
        accountId: member.accountId,
      });
      return member;
    },

    /** A new account for the pending identity's address, its owner signing in with Google; or why not. */
    async createAccount(token: string, name: string): Promise<Member | 'invalid' | 'address_taken'> {
      const pending = readPending(token);
      if (!pending) return 'invalid';
      const owner = await createAccount(
        deps,
        verification,
        { name, email: pending.e, addressVerified: true },
        async (tx, account) => {
          const member = await insertMember(tx, keyRing, {
            accountId: account.id,
            role: 'owner',
            email: pending.e,
            emailLookup: emailLookup(pending.e),
            passwordHash: null,
            googleSubLookup: pending.g,
          });
          if (!member) throw new AddressTaken(); // roll the account back
          return member;
        },
      ).catch((error: unknown) => {
        // The address or the Google account signed up in between (unique lookups): nothing was created.
        if (error instanceof AddressTaken || error instanceof UniqueIntegrityConstraintViolationError) return null;
        throw error;
      });
      if (!owner) return 'address_taken';
      await markEmailVerified(pool, owner.account.id);
      await audit(pool, {
        action: 'account.sign_up_google',
        target: `member:${owner.extra.id}`,
        actor: actor(owner.extra.id),
        accountId: owner.account.id,
      });
      return owner.extra;
    },
  };
}

class AddressTaken extends Error {}
