// SMS double opt-in (issue 16, docs/smart-link.md): a phone number typed in the remind-me form gets no reminder by
// SMS until its owner opens the link texted to it. The e-mail's owner confirming is not enough: anyone can type
// someone else's number. Each text costs money and lands on someone's phone, so it is limited per client IP and
// per phone number (its keyed hash), beyond the form's own limit.
import { z } from 'zod';
import { type Campaign } from '../db/campaigns';
import { queueEmail } from '../db/outbox';
import { SignedValueError, type SigningKeys, signingKeys } from '../lib/crypto/signed-value';
import { type AppDeps } from './deps';
import { clientKey, withinRateLimit } from './rate-limit';

const PHONE_LINK_TTL_MS = 48 * 3600_000;

export interface PhoneConfirmationLink {
  id: string;
  phoneHash: string;
  issuedAt: number;
}

/**
 * Queues the confirmation text to a subscription's phone (the outbox sends it, transactional: the phone's owner has
 * not agreed to anything yet). `limited`: the client or the number had too many texts lately; nothing is queued.
 */
export async function textPhoneConfirmation(
  deps: Pick<AppDeps, 'pool' | 'config'>,
  input: { subscriberId: string; phoneHash: string; campaign: Campaign; ip: string },
): Promise<'queued' | 'limited'> {
  if (!(await withinRateLimit(deps, 'smsclient', clientKey(input.ip)))) return 'limited';
  if (!(await withinRateLimit(deps, 'smsphone', input.phoneHash))) return 'limited';
  const token = signingKeys(deps.config).sign(
    'phone-confirm',
    { c: input.subscriberId, ph: input.phoneHash, i: Date.now() },
    PHONE_LINK_TTL_MS,
  );
  await queueEmail(deps.pool, {
    subscriberId: input.subscriberId,
    template: 'phone_confirm',
    kind: 'transactional',
    channel: 'sms',
    data: { token, artistName: input.campaign.artistName, title: input.campaign.title },
    dedupeKey: `phone-confirm:${input.subscriberId}:${input.phoneHash}:${Math.floor(Date.now() / 60_000)}`,
  });
  return 'queued';
}

/** A texted link's subscription and the phone number it was issued for (null: not one of ours, or expired). */
export function phoneConfirmationOf(token: string, keys: SigningKeys): PhoneConfirmationLink | null {
  try {
    const { payload } = keys.verify<Record<string, unknown>>('phone-confirm', token);
    const parsed = z
      .object({ c: z.string().uuid(), ph: z.string().min(1), i: z.number().int() })
      .strict()
      .safeParse(payload);
    return parsed.success ? { id: parsed.data.c, phoneHash: parsed.data.ph, issuedAt: parsed.data.i } : null;
  } catch (error) {
    if (error instanceof SignedValueError) return null;
    throw error;
  }
}
