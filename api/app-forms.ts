// The artist app's form bodies (application/x-www-form-urlencoded), validated like every /v1 body.
import { z } from 'zod';
import { MEMBER_ROLES } from '../db/members';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../lib/crypto/password';

const email = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320));
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH);
const csrf = z.string().max(200);
/** A name people read: no control characters (PostgreSQL text cannot even hold NUL). */
const plainName = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters');

export const signUpForm = z.object({ csrf, name: plainName(200), email, password });
export const signInForm = z.object({
  csrf,
  email: z.string().trim().max(320),
  password: z.string().max(PASSWORD_MAX_LENGTH),
  next: z.string().max(2100).optional(),
});
const pending = z.string().min(1).max(2000);
export const googleLinkForm = z.object({ csrf, pending, password: z.string().min(1).max(PASSWORD_MAX_LENGTH) });
export const googleNewAccountForm = z.object({ csrf, pending, name: plainName(200) });
export const disconnectForm = z.object({ csrf, confirm: z.literal('yes') });
export const resetRequestForm = z.object({ csrf, email });
export const choosePasswordForm = z.object({ csrf, password });
export const createKeyForm = z.object({ csrf, name: plainName(100) });
export const inviteForm = z.object({ csrf, email, role: z.enum(MEMBER_ROLES) });
export const changeMemberForm = z.object({ csrf, role: z.enum([...MEMBER_ROLES, 'removed']) });

/** The first problem of a form, in words for the page. */
export function formProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || 'form';
  return `${field}: ${issue?.message ?? 'not valid'}`;
}
