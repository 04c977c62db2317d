// Gemini's generateContent through `@google/generative-ai` (api-contracts.md §5), base URL from config. Asks for N
// copy variants as JSON under a response schema and classifies what comes back: variants (possibly malformed, for
// the linter to judge), a blocked answer (SAFETY and friends: the variants failed, regenerate), or an error —
// 429 with its RetryInfo delay, 400/403/404 that no retry fixes, 5xx worth retrying.
// The SDK is deprecated upstream (support ended 2025-08-31); the REST shape is the same for its successor.
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIResponseError,
  type ResponseSchema,
  SchemaType,
} from '@google/generative-ai';
import { type Config } from '../../lib/config';
import { type CopyDraft } from '../../lib/ad-copy/linter';
import { type CopyPrompt } from '../../lib/ad-copy/prompt';

export class GeminiError extends Error {
  constructor(
    readonly kind: 'rate_limited' | 'rejected' | 'unavailable',
    message: string,
    readonly status?: number,
    readonly retryDelayMs?: number,
  ) {
    super(message);
    this.name = 'GeminiError';
  }
}

export type GeminiAnswer =
  | { kind: 'variants'; drafts: CopyDraft[]; finishReason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'malformed'; reason: string };

const stringField = { type: SchemaType.STRING } as const;

export function copyResponseSchema(count: number): ResponseSchema {
  return {
    type: SchemaType.OBJECT,
    properties: {
      variants: {
        type: SchemaType.ARRAY,
        minItems: count,
        maxItems: count,
        items: {
          type: SchemaType.OBJECT,
          properties: { headline: stringField, primaryText: stringField, description: stringField },
          required: ['headline', 'primaryText', 'description'],
        },
      },
    },
    required: ['variants'],
  };
}

/** "17s", "1.5s" (google.protobuf.Duration in JSON) → milliseconds. */
export function parseRetryDelay(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function classify(error: GoogleGenerativeAIFetchError): GeminiError {
  const status = error.status ?? 0;
  // The SDK's message is "Error fetching from <url>: [400 Bad Request] <Google's message> <details JSON>": the artist
  // sees Google's message only (the details are read from errorDetails).
  const googleMessage = /\[\d{3}[^\]]*\]\s*(.*?)(?:\s\[\{.*)?$/s.exec(error.message)?.[1] || error.statusText || 'no message';
  const message = `Gemini answered ${status}: ${googleMessage}`;
  if (status === 429) {
    const retryInfo = (error.errorDetails ?? []).find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo') as { retryDelay?: unknown } | undefined;
    return new GeminiError('rate_limited', message, status, parseRetryDelay(retryInfo?.retryDelay));
  }
  if (status >= 500 || status === 408 || status === 0) return new GeminiError('unavailable', message, status);
  return new GeminiError('rejected', message, status);
}

export class GeminiCopyClient {
  private readonly genAI: GoogleGenerativeAI;

  constructor(private readonly opts: { apiKey: string; baseUrl: string; model: string; timeoutMs?: number }) {
    this.genAI = new GoogleGenerativeAI(opts.apiKey);
  }

  async writeVariants(prompt: CopyPrompt, count: number): Promise<GeminiAnswer> {
    const model = this.genAI.getGenerativeModel(
      {
        model: this.opts.model,
        systemInstruction: prompt.system,
        generationConfig: { temperature: 0.9, maxOutputTokens: 2048, responseMimeType: 'application/json', responseSchema: copyResponseSchema(count) },
      },
      { baseUrl: this.opts.baseUrl },
    );
    let text: string;
    let finishReason = 'STOP';
    try {
      // A signal rather than the SDK's `timeout`: the SDK never clears its own timer, this one does not hold the process.
      const { response } = await model.generateContent(
        { contents: [{ role: 'user', parts: [{ text: prompt.user }] }] },
        { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) },
      );
      finishReason = response.candidates?.[0]?.finishReason ?? 'STOP';
      text = response.text(); // throws for SAFETY, RECITATION, LANGUAGE and a blocked prompt
    } catch (error) {
      if (error instanceof GoogleGenerativeAIFetchError) throw classify(error);
      if (error instanceof GoogleGenerativeAIResponseError) return { kind: 'blocked', reason: error.message.replace(/^\[GoogleGenerativeAI Error\]:\s*/, '') };
      if (error instanceof Error && /fetch failed|timed out|timeout|abort/i.test(`${error.name} ${error.message}`)) throw new GeminiError('unavailable', `Gemini unreachable: ${error.message}`);
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { variants?: unknown };
      if (!Array.isArray(parsed.variants)) return { kind: 'malformed', reason: 'the answer has no variants list' };
      const asText = (v: unknown) => (typeof v === 'string' ? v : '');
      const drafts = parsed.variants.slice(0, count).map((v: Record<string, unknown>) => ({
        headline: asText(v?.headline),
        primaryText: asText(v?.primaryText),
        description: asText(v?.description),
      }));
      return { kind: 'variants', drafts, finishReason };
    } catch {
      return { kind: 'malformed', reason: finishReason === 'MAX_TOKENS' ? 'the answer was cut off (MAX_TOKENS)' : 'the answer is not valid JSON' };
    }
  }
}

/** null when no key is configured: the template writer serves instead. */
export function geminiClientFrom(config: Config): GeminiCopyClient | null {
  if (!config.GEMINI_API_KEY) return null;
  return new GeminiCopyClient({ apiKey: config.GEMINI_API_KEY, baseUrl: config.GEMINI_API_URL, model: config.GEMINI_MODEL });
}
