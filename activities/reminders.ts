// Release-day reminders (issue 16, docs/smart-link.md): each run of the outbox Schedule (every minute) claims the
// reminders whose release instant has passed with the release live, at most REMINDERS_PER_MINUTE of them (the
// configured rate), and queues each fan's e-mail, and SMS when they gave a phone number and an SMS provider is
// configured, in the outbox — in the claim's transaction, so a fan is reminded exactly once. The outbox delivers
// them under its one rule (confirmed and still subscribed), so an unsubscribe before delivery still stops them.
import { findCampaignById } from '../db/campaigns';
import { queueEmail } from '../db/outbox';
import { platformLinksOf } from '../db/platform-links';
import { claimDueReminders } from '../db/subscribers';
import { releaseLinks } from '../lib/platforms/catalog-fill';
import { PLATFORM_FACTS } from '../lib/platforms/catalog';
import { type ActivityDeps } from './deps';

export interface ReminderLink {
  platform: string;
  label: string;
  url: string;
}

export function createReminderActivities({ pool, config, providers }: ActivityDeps) {
  return {
    /** Queues the reminders now due; returns how many fans were claimed. Safe to retry: a claim commits whole. */
    async queueDueReminders(): Promise<number> {
      return pool.transaction(async (tx) => {
        const due = await claimDueReminders(tx, config.REMINDERS_PER_MINUTE);
        const linksOf = new Map<string, { title: string; artistName: string; slug: string; links: ReminderLink[] }>();
        for (const reminder of due) {
          let release = linksOf.get(reminder.campaignId);
          if (!release) {
            const campaign = await findCampaignById(tx, reminder.campaignId);
            if (!campaign) continue;
            const links = releaseLinks(campaign, await platformLinksOf(tx, campaign.id));
            release = {
              title: campaign.title,
              artistName: campaign.artistName,
              slug: campaign.slug,
              links: links.map((l) => ({
                platform: l.platform,
                label: PLATFORM_FACTS[l.platform].label,
                // through the tracked redirect: a reminder's click counts, attributed to the reminder
                url: `${config.PUBLIC_URL}/l/${campaign.slug}/go/${l.platform}?utm_source=dropday&utm_medium=reminder`,
              })),
            };
            linksOf.set(reminder.campaignId, release);
          }
          // The fan's platform first, then the others in the artist's order.
          const first = (l: ReminderLink) => Number(l.platform === reminder.platform);
          const links = [...release.links].sort((a, b) => first(b) - first(a));
          // The release instant and the fan's zone: the message shows it as the fan reads a date (activities/mail.ts).
          const data = {
            title: release.title,
            artistName: release.artistName,
            slug: release.slug,
            links,
            releaseAt: reminder.releaseAt,
            zone: reminder.zone,
          };
          if (reminder.hasEmail) {
            await queueEmail(tx, {
              subscriberId: reminder.id,
              template: 'release_reminder',
              data,
              dedupeKey: `reminder:email:${reminder.id}`,
            });
          }
          if (reminder.hasPhone && providers.twilio) {
            await queueEmail(tx, {
              subscriberId: reminder.id,
              template: 'release_reminder',
              channel: 'sms',
              data,
              dedupeKey: `reminder:sms:${reminder.id}`,
            });
          }
        }
        return due.length;
      });
    },
  };
}
