// The artist app's people as use cases, testable without HTTP: sign-up (an account and its owner), sign-in with a
// password (with lock-out), password reset by a mailed link, invitations, and changing or removing members. Every
// change is audited with the acting member's id (ids only: the audit log outlives what it records).
//
// Nothing here tells a caller whether an address has a sign-in: a wrong password, an unknown address, a pending
// invitation, an address not verified yet and a locked member all answer `refused` after the same scrypt work, a
// reset is "sent" for any address, and a sign-up answers nothing (the route says "check your inbox" either way): a
// new address gets its account and verification link, an address that signs in already gets a note to its owner.
// A member signs in with a password only once a mailed link proved the address (so signing up and then signing in
// cannot tell whether the address was new either); the verification link itself lets the new owner sign in.
import { z } from 'zod';
import { audit } from '../db/audit-log';
import { findAccount } from '../db/accounts';
import {
  changeMember,
  findMember,
  findMemberByLookup,
  insertMember,
  markMemberEmailVerified,
  type Member,
  type MemberRole,
  recordFailedSignIn,
  recordSignIn,
  setMemberPassword,
} from '../db/members';
import { revokeAllMemberSessions } from '../db/member-sessions';
import { queueEmail } from '../db/outbox';
import { createLookupHasher, lookupHashSecret } from '../lib/crypto/lookup-hash';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from '../lib/crypto/password';
import { SignedValueError, signingKeys } from '../lib/crypto/signed-value';
import { createAccount } from './account-creation';
import { type AppDeps } from './deps';
import { type EmailVerification } from './email-verification';

export const LOCK_OUT = { maxFailures: 5, lockMs: 15 * 60_000 };
const RESET_LINK_TTL_MS = 3600_000;
const INVITE_LINK_TTL_MS = 7 * 24 * 3600_000;
/** At most one reset e-mail per member in this long (and one "someone tried to sign up" note). */
const RESET_MAIL_BUCKET_MS = 5 * 60_000;

const resetPayload = z.object({ m: z.string().uuid(), v: z.string() }).strict();
const invitePayload = z.object({ m: z.string().uuid() }).strict();

export type MemberAccounts = ReturnType<typeof createMemberAccounts>;

/** The keyed lookup hash members are found by their address with (members.email_lookup). */
export function memberEmailLookup(config: AppDeps['config']) {
  const lookupHash = createLookupHasher(lookupHashSecret(config));
  return (email: string) => lookupHash(`member:${email.trim().toLowerCase()}`);
}

export function createMemberAccounts(deps: AppDeps, verification: EmailVerification) {
  const { pool, keyRing, config } = deps;
  const keys = signingKeys(config);
  const emailLookup = memberEmailLookup(config);
  /** Binds a reset link to the password it replaces: once the password changes, the link is spent. */
  const passwordVersion = (member: Member) => keys.mac('password-reset', member.passwordHash ?? 'none').slice(0, 16);
  const actor = (memberId: string) => `member:${memberId}`;

  /** "Someone tried to sign up with your address": the owner learns of it, and how to sign in or reset. */
  async function noteSignUpAttempt(member: Member) {
    await queueEmail(pool, {
      memberId: member.id,
      template: 'sign_up_attempt',
      kind: 'transactional',
      data: {},
      dedupeKey: `sign-up-attempt:${member.id}:${Math.floor(Date.now() / RESET_MAIL_BUCKET_MS)}`,
    });
  }

  function readLink<T>(purpose: 'password-reset' | 'member-invite', schema: z.ZodType<T>, token: string): T | null {
    try {
      const parsed = schema.safeParse(keys.verify(purpose, token).payload);
      return parsed.success ? parsed.data : null;
    } catch (error) {
      if (error instanceof SignedValueError) return null;
      throw error;
    }
  }

  return {
    /**
     * A new account with its owner (not signed in: the verification link signs them in); for an address that signs in
     * already, a note to its owner instead. The caller answers the same either way (see the header).
     */
    async signUp(input: { name: string; email: string; password: string }): Promise<'created' | 'address_taken'> {
      const passwordHash = await hashPassword(input.password);
      const lookup = emailLookup(input.email);
      const existing = await findMemberByLookup(pool, keyRing, lookup);
      if (existing) {
        await noteSignUpAttempt(existing);
        return 'address_taken';
      }
      try {
        const { account, extra: owner } = await createAccount(deps, verification, input, async (tx, created) => {
          const member = await insertMember(tx, keyRing, {
            accountId: created.id,
            role: 'owner',
            email: input.email,
            emailLookup: lookup,
            passwordHash,
          });
          if (!member) throw new AddressTaken(); // signed up in between: roll the account back
          return member;
        });
        await audit(pool, {
          action: 'account.sign_up',
          target: `member:${owner.id}`,
          actor: actor(owner.id),
          accountId: account.id,
        });
        return 'created';
      } catch (error) {
        if (!(error instanceof AddressTaken)) throw error;
        const winner = await findMemberByLookup(pool, keyRing, lookup);
        if (winner) await noteSignUpAttempt(winner);
        return 'address_taken';
      }
    },

    /**
     * The member, or `refused` for any reason (see the header). `verificationLink`: the token of the verification
     * link the sign-in came from (the one way in for an owner whose address is not verified yet).
     */
    async signIn(input: { email: string; password: string; verificationLink?: string }): Promise<Member | 'refused'> {
      const verifyingAccountId = input.verificationLink ? verification.accountOfLink(input.verificationLink) : null;
      const member = await findMemberByLookup(pool, keyRing, emailLookup(input.email));
      const matches = await verifyPassword(input.password, member?.passwordHash ?? UNMATCHABLE_HASH);
      if (!member || !member.passwordHash) return 'refused';
      if (member.lockedUntil !== null && member.lockedUntil > Date.now()) return 'refused';
      if (matches && member.emailVerifiedAt === null && member.accountId !== verifyingAccountId) return 'refused';
      if (!matches) {
        await recordFailedSignIn(pool, member.id, LOCK_OUT);
        await audit(pool, {
          action: 'member.sign_in_failed',
          target: `member:${member.id}`,
          accountId: member.accountId,
        });
        return 'refused';
      }
      await recordSignIn(pool, member.id);
      await audit(pool, {
        action: 'member.sign_in',
        target: `member:${member.id}`,
        actor: actor(member.id),
        accountId: member.accountId,
      });
      return member;
    },

    /** The owner who signed up with the account's address proved it by the account's verification link. */
    async verifiedByAccountLink(memberId: string): Promise<void> {
      const member = await findMember(pool, keyRing, memberId);
      const account = member ? await findAccount(pool, member.accountId) : null;
      if (member && account && account.email.trim().toLowerCase() === member.email.trim().toLowerCase())
        await markMemberEmailVerified(pool, member.id);
    },

    /** Mails a reset link when the address has a sign-in; the caller answers the same either way. */
    async requestPasswordReset(email: string): Promise<void> {
      const member = await findMemberByLookup(pool, keyRing, emailLookup(email));
      // A member who signs in with Google only may choose a password too; an open invitation may not.
      if (!member || (!member.passwordHash && !member.googleLinked)) return;
      const token = keys.sign('password-reset', { m: member.id, v: passwordVersion(member) }, RESET_LINK_TTL_MS);
      await queueEmail(pool, {
        memberId: member.id,
        template: 'password_reset',
        kind: 'transactional',
        data: { token },
        dedupeKey: `password-reset:${member.id}:${Math.floor(Date.now() / RESET_MAIL_BUCKET_MS)}`,
      });
    },

    /** The member a reset link is (still) good for, or null (forged, expired, or the password changed since). */
    async memberOfResetLink(token: string): Promise<Member | null> {
      const link = readLink('password-reset', resetPayload, token);
      const member = link ? await findMember(pool, keyRing, link.m) : null;
      return member && link && passwordVersion(member) === link.v ? member : null;
    },

    /** Sets the new password and ends every session of the member; null when the link is not good. */
    async resetPassword(token: string, password: string): Promise<Member | null> {
      const member = await this.memberOfResetLink(token);
      if (!member) return null;
      await setMemberPassword(pool, member.id, await hashPassword(password));
      await revokeAllMemberSessions(pool, member.id);
      await audit(pool, {
        action: 'member.password_reset',
        target: `member:${member.id}`,
        actor: actor(member.id),
        accountId: member.accountId,
      });
      return member;
    },

    /** Invites an address to the account with a role; `address_taken` when it signs in to dropday already. */
    async invite(input: { accountId: string; byMemberId: string; email: string; role: MemberRole }) {
      const member = await insertMember(pool, keyRing, {
        accountId: input.accountId,
        role: input.role,
        email: input.email,
        emailLookup: emailLookup(input.email),
        passwordHash: null,
      });
      if (!member) return 'address_taken' as const;
      await queueEmail(pool, {
        memberId: member.id,
        accountId: input.accountId, // the mail names the account
        template: 'member_invite',
        kind: 'transactional',
        data: { token: keys.sign('member-invite', { m: member.id }, INVITE_LINK_TTL_MS), role: input.role },
        dedupeKey: `member-invite:${member.id}`,
      });
      await audit(pool, {
        action: 'member.invite',
        target: `member:${member.id}`,
        actor: actor(input.byMemberId),
        accountId: input.accountId,
      });
      return member;
    },

    /** The invited member and account of an invitation not yet accepted, or null. */
    async invitation(token: string) {
      const link = readLink('member-invite', invitePayload, token);
      const member = link ? await findMember(pool, keyRing, link.m) : null;
      if (!member || member.passwordHash !== null || member.googleLinked) return null;
      const account = await findAccount(pool, member.accountId);
      return account ? { member, account } : null;
    },

    /** Accepts an invitation with the member's chosen password; null when it is not (or no longer) open. */
    async acceptInvitation(token: string, password: string): Promise<Member | null> {
      const open = await this.invitation(token);
      if (!open) return null;
      await setMemberPassword(pool, open.member.id, await hashPassword(password));
      await audit(pool, {
        action: 'member.join',
        target: `member:${open.member.id}`,
        actor: actor(open.member.id),
        accountId: open.account.id,
      });
      return open.member;
    },

    /** A new role for a member of the account, or their removal (their sessions go with the row: signed out). */
    async changeMember(input: {
      accountId: string;
      byMemberId: string;
      memberId: string;
      role: MemberRole | 'removed';
    }) {
      const outcome = await changeMember(pool, input);
      if (outcome !== 'changed') return outcome;
      await audit(pool, {
        action: input.role === 'removed' ? 'member.remove' : `member.role.${input.role}`,
        target: `member:${input.memberId}`,
        actor: actor(input.byMemberId),
        accountId: input.accountId,
      });
      return outcome;
    },
  };
}

class AddressTaken extends Error {}
