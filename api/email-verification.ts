// Accounts prove they read their e-mail address, so that a shop order paid while signed out goes to the one account
// that verified the buyer's address, never to whoever signed up with it first. A signed, expiring link is e-mailed
// (transactional, through the outbox) at sign-up and on request; opening it asks, and its POST verifies.
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import {
  type Account,
  emailVerifiedByAnotherAccount,
  type EmailVerificationOutcome,
  findAccount,
  markEmailVerified,
} from '../db/accounts';
import { unlinkedOrdersByEmailHash } from '../db/billing';
import { queueEmail } from '../db/outbox';
import { type DatabasePool } from '../db/pool';
import { createLookupHasher, lookupHashSecret } from '../lib/crypto/lookup-hash';
import { SignedValueError, signingKeys } from '../lib/crypto/signed-value';
import { signalOrder } from '../lib/starters/order';
import { type AppDeps } from './deps';

export const VERIFICATION_LINK_TTL_MS = 48 * 3600_000;
/** At most one e-mail per account in this long, however often sign-up's mail is asked for again. */
const RESEND_BUCKET_MS = 10 * 60_000;

/** What the link carries: the account and the lookup hash of the address it was sent to (no address in clear). */
const linkPayload = z.object({ a: z.string().uuid(), e: z.string().min(1) }).strict();

export type EmailVerification = ReturnType<typeof createEmailVerification>;

export function createEmailVerification({ pool, temporal, config, logger }: AppDeps) {
  const keys = signingKeys(config);
  const hashEmail = createLookupHasher(lookupHashSecret(config));
  // The contact lookup hash orders are stored with (api/routes/stripe-webhooks.ts): lower-cased address.
  const emailHashOf = (email: string) => hashEmail(`email:${email.trim().toLowerCase()}`);

  const linkOf = (token: string): z.infer<typeof linkPayload> | null => {
    try {
      const parsed = linkPayload.safeParse(keys.verify('email-verification', token).payload);
      return parsed.success ? parsed.data : null;
    } catch (error) {
      if (error instanceof SignedValueError) return null;
      throw error;
    }
  };

  return {
    /**
     * Queues the verification e-mail to the account's address. Nothing is sent when another account has verified
     * that address already (its link could only be refused), and the caller answers the same either way, so the
     * answer does not tell who holds an address.
     */
    async queue(db: DatabasePool | DatabaseTransactionConnection, account: Pick<Account, 'id' | 'email'>) {
      if (await emailVerifiedByAnotherAccount(db, { accountId: account.id, email: account.email })) return;
      const token = keys.sign(
        'email-verification',
        { a: account.id, e: emailHashOf(account.email) },
        VERIFICATION_LINK_TTL_MS,
      );
      await queueEmail(db, {
        accountId: account.id,
        template: 'email_verification',
        kind: 'transactional', // asked for now
        data: { token },
        dedupeKey: `email-verification:${account.id}:${Math.floor(Date.now() / RESEND_BUCKET_MS)}`,
      });
    },

    /** The account a link of ours, unexpired, was sent for (the page that asks before verifying), or null. */
    accountOfLink: (token: string) => linkOf(token)?.a ?? null,

    /**
     * Verifies the address the link was sent to, if it is still the account's, then nudges the shop orders paid
     * with it that wait for an account (`invalid_link`: not ours, expired, or the account or its address is gone).
     */
    async verify(token: string): Promise<EmailVerificationOutcome | 'invalid_link'> {
      const link = linkOf(token);
      const account = link ? await findAccount(pool, link.a) : null;
      if (!link || !account || emailHashOf(account.email) !== link.e) return 'invalid_link';
      const outcome = await markEmailVerified(pool, account.id);
      // Also when it was verified already: a repeated POST re-sends a nudge an earlier one may have lost.
      if (outcome === 'verified' || outcome === 'already_verified')
        for (const order of await unlinkedOrdersByEmailHash(pool, link.e))
          await signalOrder(temporal, logger, { checkoutSessionId: order.checkoutSessionId, what: 'accountVerified' });
      return outcome;
    },
  };
}
