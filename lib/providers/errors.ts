// One error for every provider call, with one vocabulary of kinds, so that a caller decides what to do (retry, wait,
// mark a grant gone, tell the artist) without knowing which provider answered or how it spells its errors. Each client
// classifies its provider's own error bodies into these kinds (see the docs/providers/ file cited by each client).

export type ProviderName = 'spotify' | 'apple_music' | 'google' | 'meta' | 'gemini' | 'instagram' | 'twilio' | 'stripe';

export type ProviderErrorKind =
  /** the token (access, refresh or long-lived) was refused: refresh it, or the user must grant access again */
  | 'token_invalid'
  /** too many requests for now: wait `retryAfterMs` (the provider's own wait when it gave one) and try again */
  | 'rate_limited'
  /** a quota measured in hours or days is spent: pause, do not hammer */
  | 'quota_exhausted'
  /** the provider refused the request as it is (bad input, missing permission or scope): retrying cannot help */
  | 'invalid_request'
  | 'not_found'
  /** the recipient told the provider to stop messaging them (Twilio 21610, a STOP reply): never send to them again */
  | 'recipient_opted_out'
  /** a 5xx, or no answer to a read: nothing happened, retry */
  | 'unavailable'
  /** a timeout or cut connection on a write: it may have landed, so look before doing it again */
  | 'outcome_unknown';

export interface ProviderErrorDetail {
  /** the HTTP status, when the provider answered */
  status?: number;
  /** the provider's own code: Graph `code` (or `code/subcode`), GoogleAdsFailure `category.value` */
  code?: string | number;
  retryAfterMs?: number;
  /** the provider's message meant for the user (Graph error_user_msg, GoogleAdsFailure messages) */
  userMessage?: string;
}

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly detail: ProviderErrorDetail = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  get status(): number | undefined {
    return this.detail.status;
  }

  get code(): string | number | undefined {
    return this.detail.code;
  }

  get retryAfterMs(): number | undefined {
    return this.detail.retryAfterMs;
  }

  /** The same wait under Gemini's name for it (RetryInfo.retryDelay). */
  get retryDelayMs(): number | undefined {
    return this.detail.retryAfterMs;
  }
}
