// E-mail: the outbox sender and the re-consent nudges that fill it. Two transports: SMTP (nodemailer) when SMTP_URL
// is set, else the sandbox one (a mailbox table standing in for an e-mail provider, in dev and tests).
import nodemailer from 'nodemailer';
import { type DatabaseTransactionConnection } from 'slonik';
import { orderEmailContext } from '../db/billing';
import { type DroppedMessage, type PendingEmail, queueEmail, sendPendingEmails } from '../db/outbox';
import { presavesNeedingReconsent } from '../db/presaves';
import { deliverToSandboxMailbox } from '../db/sandbox-mailbox';
import { unsubscribe } from '../db/subscribers';
import { foreverSaveStopLink } from '../lib/crypto/forever-save-stop-link';
import { foreverSaveText } from '../lib/forever-save-text';
import { unsubscribeLink } from '../lib/crypto/unsubscribe-link';
import { DEFAULT_LANGUAGE, formatInstant, type Lang, languageOr, messagesFor } from '../lib/i18n';
import { ProviderError } from '../lib/providers/errors';
import { type ActivityDeps } from './deps';

/**
 * The language a fan's message is written in: the one the message was queued with (a deletion link asked for on a
 * page), else the subscription's (migration 030), else English (a row from before languages).
 */
const languageOf = (email: PendingEmail): Lang => languageOr(email.data.lang, languageOr(email.subscriberLang));

/** A link of ours for the fan, carrying their language when it is not the default (so the page opens in it). */
const inLanguage = (link: string, lang: Lang) =>
  lang === DEFAULT_LANGUAGE ? link : `${link}${link.includes('?') ? '&' : '?'}lang=${lang}`;

/**
 * When a release came out, in the fan's zone and language. A reminder queued before the instant was carried (an
 * outbox row from before languages) says when it is sent, which is within a minute of the release.
 */
function releasedWhen(data: Record<string, unknown>, lang: Lang): string {
  const at = typeof data.releaseAt === 'number' ? data.releaseAt : Date.now();
  return formatInstant(lang, at, typeof data.zone === 'string' ? data.zone : 'UTC');
}

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
    const content = withForeverSaveStop(email, renderTemplate(email));
    if (email.kind !== 'marketing' || !email.subscriberId) return content;
    const lang = languageOf(email);
    const link = inLanguage(unsubscribeLink(config, email.subscriberId), lang);
    return {
      subject: content.subject,
      body: `${content.body}\n\n${messagesFor(lang).mail.unsubscribeLine({ link })}`,
      headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    };
  }

  /** A fan whose forever-save with this artist is on can stop it from every message (docs/forever-save.md). */
  function withForeverSaveStop(email: PendingEmail, content: RenderedEmail): RenderedEmail {
    if (!email.foreverSaveId || !email.foreverSaveArtist) return content;
    const lang = languageOf(email);
    const stop = foreverSaveText(lang).message({
      artist: email.foreverSaveArtist,
      link: inLanguage(foreverSaveStopLink(config, email.foreverSaveId), lang),
    });
    return { ...content, body: `${content.body}\n\n${stop}` };
  }

  function renderTemplate(email: PendingEmail): RenderedEmail {
    const d = email.data as Record<string, string | undefined>;
    const lang = languageOf(email);
    const fan = messagesFor(lang).mail;
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
      // The fan's messages: in their language (languageOf), links opening pages in it.
      case 'reconsent_nudge':
        return {
          subject: fan.reconsentSubject({ title: d.title ?? '' }),
          body: fan.reconsentBody({
            title: d.title ?? '',
            link: inLanguage(`${config.PUBLIC_URL}/l/${d.slug}`, lang),
          }),
        };
      case 'deletion_link':
        return {
          subject: fan.deletionSubject,
          body: fan.deletionBody({ link: inLanguage(`${config.PUBLIC_URL}/privacy/delete/confirm/${d.token}`, lang) }),
        };
      case 'subscription_confirm':
        return {
          subject: fan.confirmSubject({ artist: d.artistName ?? '' }),
          body: fan.confirmBody({
            artist: d.artistName ?? '',
            title: d.title ?? '',
            link: inLanguage(`${config.PUBLIC_URL}/s/${d.token}`, lang),
          }),
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
        const release = { title: d.title ?? '', artist: d.artistName ?? '' };
        return {
          subject: fan.reminderSubject(release),
          body: `${fan.reminderBody({ ...release, when: releasedWhen(email.data, lang) })}\n\n${links.map((l) => `${l.label}: ${l.url}`).join('\n')}\n\n${fan.everyPlatform}: ${inLanguage(`${config.PUBLIC_URL}/l/${d.slug}`, lang)}`,
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

  /** A text message's words, in the fan's language: a phone's confirmation link (double opt-in), or a release reminder. */
  function renderSms(email: PendingEmail & { subscriberId: string }): string {
    const d = email.data as {
      title?: string;
      artistName?: string;
      slug?: string;
      token?: string;
      links?: { url: string }[];
    };
    const lang = languageOf(email);
    const fan = messagesFor(lang).mail;
    if (email.template === 'phone_confirm')
      return fan.phoneConfirmSms({
        title: d.title ?? '',
        artist: d.artistName ?? '',
        link: inLanguage(`${config.PUBLIC_URL}/p/${d.token}`, lang),
      });
    // Short, the fan's platform link first, and the unsubscribe link as in every message.
    const first = d.links?.[0]?.url ?? `${config.PUBLIC_URL}/l/${d.slug}`;
    const when = releasedWhen(email.data, lang);
    const stop = inLanguage(unsubscribeLink(config, email.subscriberId), lang);
    return withForeverSaveStop(email, {
      subject: '',
      body: `${fan.reminderSms({ title: d.title ?? '', artist: d.artistName ?? '', when, link: first })}\n${fan.smsStop}: ${stop}`,
    }).body;
  }

  /**
   * A text message through Twilio. Twilio's own STOP handling applies too (docs/providers/twilio.md): a recipient
   * who replied STOP is final. Their reminder is dropped, not retried, and their subscription ends; a confirmation
   * text to such a phone is dropped alone (the e-mail's owner may still confirm the subscription for e-mail).
   */
  async function deliverBySms(email: PendingEmail, tx: DatabaseTransactionConnection): Promise<void | DroppedMessage> {
    if (!providers.twilio) throw new Error('no SMS provider configured (TWILIO_*)');
    const { subscriberId, subscriberPhoneEnc } = email;
    if (!subscriberId || !subscriberPhoneEnc) throw new Error('text message without a phone number');
    try {
      await providers.twilio.sendSms({
        to: keyRing.decrypt(subscriberPhoneEnc, `subscribers:${subscriberId}:phone`),
        body: renderSms({ ...email, subscriberId }),
      });
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'recipient_opted_out') throw error;
      if (email.kind === 'marketing') await unsubscribe(tx, subscriberId);
      return { dropped: error.message };
    }
  }

  const deliverEmail = smtp ? deliverBySmtp : deliverToSandbox;

  return {
    async deliverOutbox(input: { limit: number }): Promise<{ sent: number; failed: number; dropped: number }> {
      return sendPendingEmails(pool, input.limit, (email, tx) =>
        email.channel === 'sms' ? deliverBySms(email, tx) : deliverEmail(email, tx),
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
          // the language the fan pre-saved in (else their subscription's): the nudge is written in it
          data: { title: nudge.title, slug: nudge.slug, lang: nudge.lang },
          dedupeKey: `reconsent:${nudge.presaveId}`,
        });
      }
      return due.length;
    },
  };
}
