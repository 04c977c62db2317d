// E-mail: the outbox sender and the re-consent nudges that fill it. Two transports: SMTP (nodemailer) when SMTP_URL
// is set, else the sandbox one (a mailbox table standing in for an e-mail provider, in dev and tests).
import nodemailer from 'nodemailer';
import { type DatabaseTransactionConnection } from 'slonik';
import { orderEmailContext } from '../db/billing';
import { type PendingEmail, queueEmail, sendPendingEmails } from '../db/outbox';
import { presavesNeedingReconsent } from '../db/presaves';
import { deliverToSandboxMailbox } from '../db/sandbox-mailbox';
import { unsubscribeLink } from '../lib/crypto/unsubscribe-link';
import { type ActivityDeps } from './deps';

interface RenderedEmail {
  subject: string;
  body: string;
  headers?: Record<string, string>;
}

export function createMailActivities({ pool, keyRing, config, providers }: ActivityDeps) {
  /**
   * A marketing message to a subscriber carries its unsubscribe link (the consent text promises one in every
   * message): in the text, and as List-Unsubscribe (RFC 2369) with one-click unsubscribe (RFC 8058: the mail client
   * POSTs to the link, which POST /u/:token accepts).
   */
  function render(email: PendingEmail): RenderedEmail {
    const content = renderTemplate(email);
    if (email.kind !== 'marketing' || !email.subscriberId) return content;
    const link = unsubscribeLink(config, email.subscriberId);
    return {
      subject: content.subject,
      body: `${content.body}\n\nUnsubscribe from these messages: ${link}`,
      headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }

  function renderTemplate(email: PendingEmail): RenderedEmail {
    const d = email.data as Record<string, string | undefined>;
    switch (email.template) {
      case 'welcome':
        return {
          subject: 'Welcome to dropday',
          body: `Hello ${d.accountName ?? email.accountName ?? ''}, your dropday account is ready.`,
        };
      case 'release_unresolved':
        return {
          subject: `We cannot find "${d.title}" on Spotify yet`,
          body: `Your release "${d.title}" is close and Spotify does not list it by its UPC/ISRC yet, or the album it lists does not carry both. Check the identifiers with your distributor.`,
        };
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
      case 'subscription_confirm':
        return {
          subject: `Confirm your subscription to ${d.artistName ?? 'this artist'}`,
          body: `Someone (we hope you) asked to receive news from ${d.artistName ?? 'an artist'} about "${d.title ?? 'a release'}" at this address. To confirm, open ${config.PUBLIC_URL}/s/${d.token} within 7 days. If it was not you, ignore this message: nothing more will be sent to you.`,
        };
      case 'email_verification':
        return {
          subject: 'Verify your e-mail address for dropday',
          body: `Someone (we hope you) signed up to dropday with this address${email.accountName ? ` as "${email.accountName}"` : ''}. To verify it, open ${config.PUBLIC_URL}/account/verify/${d.token} within 48 hours. Shop packages bought with this address go to the account that verifies it. If it was not you, ignore this message.`,
        };
      case 'password_reset':
        return {
          subject: 'Reset your dropday password',
          body: `Someone (we hope you) asked to reset the password of your dropday sign-in. To choose a new one, open ${config.PUBLIC_URL}/app/reset/${d.token} within an hour. Choosing it signs you out everywhere. If it was not you, ignore this message: your password stays as it is.`,
        };
      case 'sign_up_attempt':
        return {
          subject: 'Someone tried to sign up to dropday with your address',
          body: `Someone (maybe you) tried to create a dropday account with this address, which already signs in to dropday. Nothing was changed and no account was created. If it was you, sign in at ${config.PUBLIC_URL}/app, or choose a new password at ${config.PUBLIC_URL}/app/reset if you forgot it. If it was not you, ignore this message.`,
        };
      case 'member_invite':
        return {
          subject: `You are invited to ${email.accountName ?? 'a dropday account'}`,
          body: `${email.accountName ?? 'A dropday account'} invites you to its dropday workspace as ${d.role === 'viewer' ? 'a viewer (you can see, not change)' : `a ${d.role}`}. To accept, open ${config.PUBLIC_URL}/app/invite/${d.token} within 7 days and choose a password. If you do not know them, ignore this message.`,
        };
      case 'order_confirmed':
        return {
          subject: `Order confirmed: ${d.packageName}`,
          body: `Thank you for your order of ${d.packageName}. Your next dropday campaign uses it: sign up at ${config.PUBLIC_URL} with this e-mail address (or use your account with it), verify the address through the link we e-mail you, and create the campaign.`,
        };
      case 'campaign_live':
        return {
          subject: `"${d.title}" is live`,
          body: `Your campaign "${d.title}" (${d.packageName}) is live: pre-saves are being delivered now.`,
        };
      case 'campaign_completed':
        return {
          subject: `"${d.title}" has completed`,
          body: `Your campaign "${d.title}" (${d.packageName}) has completed. Its results stay in your dashboard.`,
        };
      case 'release_reminder': {
        const links = (email.data.links ?? []) as { label: string; url: string }[];
        return {
          subject: `"${d.title}" by ${d.artistName} is out`,
          body: `"${d.title}" by ${d.artistName} is out now. You asked us to remind you:\n\n${links.map((l) => `${l.label}: ${l.url}`).join('\n')}\n\nEvery platform: ${config.PUBLIC_URL}/l/${d.slug}`,
        };
      }
      case 'connection_needs_reconnect':
        return {
          subject: `Reconnect your ${d.provider} account`,
          body: `${d.provider} no longer accepts dropday's access to your account. Connect it again to keep your campaigns running.`,
        };
      default:
        throw new Error(`no template ${email.template}`);
    }
  }

  function recipient(email: PendingEmail): string {
    if (email.subscriberId && email.subscriberEmailEnc)
      return keyRing.decrypt(email.subscriberEmailEnc, `subscribers:${email.subscriberId}:email`);
    if (email.orderId && email.orderEmailEnc)
      return keyRing.decrypt(email.orderEmailEnc, orderEmailContext(email.orderId));
    if (email.memberId && email.memberEmailEnc)
      return keyRing.decrypt(email.memberEmailEnc, `members:${email.memberId}:email`);
    if (email.accountEmail) return email.accountEmail;
    throw new Error('e-mail without a recipient');
  }

  const smtp = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;

  /** SMTP: the Message-ID is the outbox id, so a resend after a crash is recognisable as the same message. */
  async function deliverBySmtp(email: PendingEmail): Promise<void> {
    const { subject, body, headers } = render(email);
    await smtp!.sendMail({
      from: config.MAIL_FROM,
      to: recipient(email),
      subject,
      text: body,
      headers,
      messageId: `<${email.id}@dropday>`,
    });
  }

  /** The sandbox transport: idempotent per outbox e-mail, so a retried send does not deliver twice. */
  async function deliverToSandbox(email: PendingEmail, tx: DatabaseTransactionConnection): Promise<void> {
    await deliverToSandboxMailbox(tx, keyRing, { outboxId: email.id, to: recipient(email), ...render(email) });
  }

  /**
   * A text message (a release reminder) through Twilio: short, the fan's platform link first, and the unsubscribe
   * link as in every message (Twilio's own STOP handling works too, docs/providers/twilio.md).
   */
  async function deliverBySms(email: PendingEmail): Promise<void> {
    if (!providers.twilio) throw new Error('no SMS provider configured (TWILIO_*)');
    if (!email.subscriberId || !email.subscriberPhoneEnc) throw new Error('text message without a phone number');
    const d = email.data as { title?: string; artistName?: string; slug?: string; links?: { url: string }[] };
    const first = d.links?.[0]?.url ?? `${config.PUBLIC_URL}/l/${d.slug}`;
    await providers.twilio.sendSms({
      to: keyRing.decrypt(email.subscriberPhoneEnc, `subscribers:${email.subscriberId}:phone`),
      body: `"${d.title}" by ${d.artistName} is out: ${first}\nStop: ${unsubscribeLink(config, email.subscriberId)}`,
    });
  }

  const deliverEmail = smtp ? deliverBySmtp : deliverToSandbox;

  return {
    async deliverOutbox(input: { limit: number }): Promise<{ sent: number; failed: number }> {
      return sendPendingEmails(pool, input.limit, (email, tx) =>
        email.channel === 'sms' ? deliverBySms(email) : deliverEmail(email, tx),
      );
    },

    /**
     * Fans whose Spotify consent ends before their release (refresh tokens die six months after consent) and who
     * gave us an e-mail on that campaign's page get one nudge to pre-save again.
     */
    async queueReconsentNudges(): Promise<number> {
      const due = await presavesNeedingReconsent(pool);
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
