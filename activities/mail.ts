// E-mail: the outbox sender and the re-consent nudges that fill it. The only transport today is the sandbox one
// (a mailbox table standing in for an e-mail provider); a real provider plugs in at `deliver` (planned).
import { type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { type PendingEmail, queueEmail, sendPendingEmails } from '../db/outbox';
import { sql } from '../db/pool';
import { type ActivityDeps } from './deps';

interface RenderedEmail {
  subject: string;
  body: string;
}

export function createMailActivities({ pool, keyRing, config }: ActivityDeps) {
  function render(email: PendingEmail): RenderedEmail {
    const d = email.data as Record<string, string | undefined>;
    switch (email.template) {
      case 'welcome':
        return { subject: 'Welcome to dropday', body: `Hello ${d.accountName ?? email.accountName ?? ''}, your dropday account is ready.` };
      case 'release_unresolved':
        return { subject: `We cannot find "${d.title}" on Spotify yet`, body: `Your release "${d.title}" is close and Spotify does not list it by its UPC/ISRC yet. Check the identifiers with your distributor.` };
      case 'reconsent_nudge':
        return {
          subject: `Keep your pre-save of "${d.title}"`,
          body: `Your Spotify sign-in for "${d.title}" ends before the release. Pre-save again to keep it: ${config.PUBLIC_URL}/l/${d.slug}`,
        };
      case 'deletion_link':
        return {
          subject: 'Confirm the deletion of your data',
          body: `Someone (we hope you) asked dropday to delete the data we hold about this e-mail address. To confirm, open ${config.PUBLIC_URL}/privacy/delete/confirm/${d.token} within 24 hours. If it was not you, ignore this message.`,
        };
      case 'connection_needs_reconnect':
        return { subject: `Reconnect your ${d.provider} account`, body: `${d.provider} no longer accepts dropday's access to your account. Connect it again to keep your campaigns running.` };
      default:
        throw new Error(`no template ${email.template}`);
    }
  }

  function recipient(email: PendingEmail): string {
    if (email.subscriberId && email.subscriberEmailEnc) return keyRing.decrypt(email.subscriberEmailEnc, `subscribers:${email.subscriberId}:email`);
    if (email.accountEmail) return email.accountEmail;
    throw new Error('e-mail without a recipient');
  }

  /** The sandbox transport: idempotent per outbox e-mail, so a retried send does not deliver twice. */
  async function deliver(email: PendingEmail, tx: DatabaseTransactionConnection): Promise<void> {
    const { subject, body } = render(email);
    await tx.query(sql.unsafe`
      INSERT INTO sandbox_mailbox (outbox_id, to_address_enc, subject, body)
      VALUES (${email.id}, ${keyRing.encrypt(recipient(email), `sandbox_mailbox:${email.id}`)}, ${subject}, ${body})
      ON CONFLICT (outbox_id) DO NOTHING`);
  }

  return {
    async deliverOutbox(input: { limit: number }): Promise<{ sent: number; failed: number }> {
      return sendPendingEmails(pool, input.limit, deliver);
    },

    /**
     * Fans whose Spotify consent ends before their release (refresh tokens die six months after consent) and who
     * gave us an e-mail on that campaign's page get one nudge to pre-save again.
     */
    async queueReconsentNudges(): Promise<number> {
      const due = await pool.any(sql.type(z.object({ presaveId: z.string(), subscriberId: z.string(), title: z.string(), slug: z.string() }))`
        SELECT p.id AS "presaveId", s.id AS "subscriberId", c.title, c.slug
        FROM presaves p
        JOIN campaigns c ON c.id = p.campaign_id AND c.status IN ('scheduled', 'releasing')
        JOIN fan_tokens t ON t.fan_id = p.fan_id AND t.status = 'active'
        JOIN subscribers s ON s.fan_id = p.fan_id AND s.campaign_id = p.campaign_id
                           AND s.unsubscribed_at IS NULL AND s.email_enc IS NOT NULL
        WHERE p.state = 'pending' AND t.refresh_expires_at <= p.due_at`);
      for (const nudge of due) {
        await queueEmail(pool, {
          subscriberId: nudge.subscriberId,
          template: 'reconsent_nudge',
          data: { title: nudge.title, slug: nudge.slug },
          dedupeKey: `reconsent:${nudge.presaveId}`,
        });
      }
      return due.length;
    },
  };
}
