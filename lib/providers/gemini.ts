// Gemini's generateContent through `@google/generative-ai` (docs/providers/gemini.md), base URL from config. Asks for
// N copy variants (or N Instagram captions, or a release plan) as JSON under a response schema and classifies what comes back: variants (possibly malformed, for
// the linter to judge), a blocked answer (SAFETY and friends: the variants failed, regenerate), or a ProviderError —
// 429 is rate_limited with its RetryInfo delay, other 4xx are invalid_request (no retry fixes them), 5xx, 408 and a
// missing answer are unavailable.
// The SDK is deprecated upstream (support ended 2025-08-31); the REST shape is the same for its successor.
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIResponseError,
  type ResponseSchema,
  SchemaType,
} from '@google/generative-ai';
import { type Config } from '../config';
import { type CopyDraft } from '../ad-copy/linter';
import { type CopyPrompt } from '../ad-copy/prompt';
import { ProviderError } from './errors';
import { measured, type OnProviderCall } from './http';

export type GeminiAnswer =
  | { kind: 'variants'; drafts: CopyDraft[]; finishReason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'malformed'; reason: string };

export type GeminiCaptionAnswer =
  | { kind: 'captions'; captions: string[]; finishReason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'malformed'; reason: string };

/** A JSON answer under a response schema, parsed (its shape is the caller's to validate); or why there is none. */
export type JsonAnswer =
  | { kind: 'json'; value: unknown; finishReason: string }
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

/** Instagram captions: `{variants: [{caption}]}`, exactly `count` of them. */
export function captionResponseSchema(count: number): ResponseSchema {
  return {
    type: SchemaType.OBJECT,
    properties: {
      variants: {
        type: SchemaType.ARRAY,
        minItems: count,
        maxItems: count,
        items: { type: SchemaType.OBJECT, properties: { caption: stringField }, required: ['caption'] },
      },
    },
    required: ['variants'],
  };
}

/**
 * A release plan (lib/release-plan/prompt.ts): `{items: [...]}`, each item flat — Gemini's schema subset has no
 * union types, so an ad campaign item's fields are optional properties of every item (validated with zod after).
 */
export function planResponseSchema(kinds: readonly string[]): ResponseSchema {
  const integer = { type: SchemaType.INTEGER } as const;
  return {
    type: SchemaType.OBJECT,
    properties: {
      items: {
        type: SchemaType.ARRAY,
        minItems: 1,
        maxItems: 40,
        items: {
          type: SchemaType.OBJECT,
          properties: {
            day: integer,
            kind: { type: SchemaType.STRING, format: 'enum', enum: [...kinds] },
            title: stringField,
            text: stringField,
            platform: { type: SchemaType.STRING, format: 'enum', enum: ['meta', 'google'], nullable: true },
            budget: { ...integer, nullable: true },
            startDay: { ...integer, nullable: true },
            endDay: { ...integer, nullable: true },
            countries: { type: SchemaType.ARRAY, items: stringField, nullable: true },
          },
          required: ['day', 'kind', 'title', 'text'],
        },
      },
    },
    required: ['items'],
  };
}

/** "17s", "1.5s" (google.protobuf.Duration in JSON) → milliseconds. */
export function parseRetryDelay(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function classify(error: GoogleGenerativeAIFetchError): ProviderError {
  const status = error.status ?? 0;
  // The SDK's message is "Error fetching from <url>: [400 Bad Request] <Google's message> <details JSON>": the artist
  // sees Google's message only (the details are read from errorDetails).
  const googleMessage =
    /\[\d{3}[^\]]*\]\s*(.*?)(?:\s\[\{.*)?$/s.exec(error.message)?.[1] || error.statusText || 'no message';
  const message = `Gemini answered ${status}: ${googleMessage}`;
  if (status === 429) {
    const retryInfo = (error.errorDetails ?? []).find(
      (d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo',
    ) as { retryDelay?: unknown } | undefined;
    const retryAfterMs = parseRetryDelay(retryInfo?.retryDelay);
    return new ProviderError('gemini', 'rate_limited', message, { status, retryAfterMs });
  }
  if (status >= 500 || status === 408 || status === 0) {
    return new ProviderError('gemini', 'unavailable', message, { status });
  }
  return new ProviderError('gemini', 'invalid_request', message, { status });
}

export class GeminiCopyClient {
  private readonly genAI: GoogleGenerativeAI;

  constructor(
    private readonly opts: {
      apiKey: string;
      baseUrl: string;
      model: string;
      timeoutMs?: number;
      onCall?: OnProviderCall;
    },
  ) {
    this.genAI = new GoogleGenerativeAI(opts.apiKey);
  }

  writeVariants(prompt: CopyPrompt, count: number): Promise<GeminiAnswer> {
    return measured(this.opts.onCall, 'gemini', 'generateContent', async () => {
      const answer = await this.generateJson(prompt, copyResponseSchema(count));
      if (answer.kind !== 'json') return answer;
      const variants = (answer.value as { variants?: unknown }).variants;
      if (!Array.isArray(variants)) return { kind: 'malformed', reason: 'the answer has no variants list' };
      const asText = (v: unknown) => (typeof v === 'string' ? v : '');
      const drafts = variants.slice(0, count).map((v: Record<string, unknown>) => ({
        headline: asText(v?.headline),
        primaryText: asText(v?.primaryText),
        description: asText(v?.description),
      }));
      return { kind: 'variants', drafts, finishReason: answer.finishReason };
    });
  }

  writeCaptions(prompt: CopyPrompt, count: number): Promise<GeminiCaptionAnswer> {
    return measured(this.opts.onCall, 'gemini', 'generateContent', async () => {
      const answer = await this.generateJson(prompt, captionResponseSchema(count));
      if (answer.kind !== 'json') return answer;
      const variants = (answer.value as { variants?: unknown }).variants;
      if (!Array.isArray(variants)) return { kind: 'malformed', reason: 'the answer has no variants list' };
      const captions = variants
        .slice(0, count)
        .map((v: Record<string, unknown>) => (typeof v?.caption === 'string' ? v.caption : ''));
      return { kind: 'captions', captions, finishReason: answer.finishReason };
    });
  }

  /** A release plan as JSON under planResponseSchema; the caller validates its shape. */
  writePlan(prompt: CopyPrompt, kinds: readonly string[]): Promise<JsonAnswer> {
    return measured(this.opts.onCall, 'gemini', 'generateContent', () =>
      this.generateJson(prompt, planResponseSchema(kinds), 8192),
    );
  }

  private async generateJson(
    prompt: CopyPrompt,
    responseSchema: ResponseSchema,
    maxOutputTokens = 2048,
  ): Promise<JsonAnswer> {
    const model = this.genAI.getGenerativeModel(
      {
        model: this.opts.model,
        systemInstruction: prompt.system,
        generationConfig: {
          temperature: 0.9,
          maxOutputTokens,
          responseMimeType: 'application/json',
          responseSchema,
        },
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
      if (error instanceof GoogleGenerativeAIResponseError)
        return { kind: 'blocked', reason: error.message.replace(/^\[GoogleGenerativeAI Error\]:\s*/, '') };
      if (error instanceof Error && /fetch failed|timed out|timeout|abort/i.test(`${error.name} ${error.message}`)) {
        throw new ProviderError('gemini', 'unavailable', `Gemini unreachable: ${error.message}`);
      }
      throw error;
    }
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null)
        return { kind: 'malformed', reason: 'the answer is not a JSON object' };
      return { kind: 'json', value, finishReason };
    } catch {
      return {
        kind: 'malformed',
        reason: finishReason === 'MAX_TOKENS' ? 'the answer was cut off (MAX_TOKENS)' : 'the answer is not valid JSON',
      };
    }
  }
}

/** null when no key is configured: the template writer serves instead. */
export function geminiClientFrom(
  config: Pick<Config, 'GEMINI_API_KEY' | 'GEMINI_API_URL' | 'GEMINI_MODEL'>,
  onCall?: OnProviderCall,
): GeminiCopyClient | null {
  if (!config.GEMINI_API_KEY) return null;
  return new GeminiCopyClient({
    apiKey: config.GEMINI_API_KEY,
    baseUrl: config.GEMINI_API_URL.replace(/\/+$/, ''),
    model: config.GEMINI_MODEL,
    onCall,
  });
}
