// Loopback simulator of Gemini's generateContent as `@google/generative-ai` calls it (docs/providers/gemini.md):
// POST /{v1beta|v1}/models/{model}:generateContent with the key in `x-goog-api-key`; any model id; responseSchema
// types in either case (SDK lowercase, REST uppercase); candidates with finishReason and usageMetadata; Google's
// error envelope (400 INVALID_ARGUMENT incl. API_KEY_INVALID, 403 PERMISSION_DENIED without a key, 429
// RESOURCE_EXHAUSTED with QuotaFailure / Help / RetryInfo, 500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED).
// The copy it writes is deterministic from the prompt (copywriter.ts), and so are release plans (planner.ts).
// Test control under /__control: script the next responses (errors, blocked or truncated answers, given variants),
// add API keys, read and clear the recorded requests (the full bodies, so a test can see exactly what was sent).
import { googleErrorEnvelope } from '../google/rpc-envelope';
import { answerUnmatchedInJson } from '../json-fallbacks';
import { listenOnLoopback } from '../listen';
import express, { type Express, type Response } from 'express';
import { writeCopy } from './copywriter';
import { writePlan } from './planner';

export interface GeminiSimulatorOptions {
  apiKeys: string[];
}

type ErrorStatus = 400 | 403 | 404 | 429 | 500 | 503 | 504;
/** One scripted answer, used by the next generateContent call. */
export type ScriptedResponse =
  | { error: ErrorStatus; message?: string; retryDelay?: string }
  | { finishReason: 'SAFETY' | 'MAX_TOKENS' | 'RECITATION' | 'OTHER' }
  | { blockReason: 'SAFETY' | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' }
  | { variants: Record<string, string>[] } // merged over the generated variants, position by position
  | { text: string }; // the candidate's text verbatim (invalid JSON, an answer outside the schema)

export interface RecordedRequest {
  at: number;
  model: string;
  apiVersion: string;
  keyOk: boolean;
  body: unknown;
  status: number;
  finishReason?: string;
}

export class GeminiSimState {
  readonly apiKeys: Set<string>;
  readonly script: ScriptedResponse[] = [];
  readonly requests: RecordedRequest[] = [];

  constructor(opts: GeminiSimulatorOptions) {
    this.apiKeys = new Set(opts.apiKeys);
  }

  enqueue(...responses: ScriptedResponse[]): void {
    this.script.push(...responses);
  }

  /** Every prompt text (system instruction and user turns) of one recorded request, joined. */
  static promptText(body: unknown): string {
    const b = body as {
      contents?: { parts?: { text?: string }[] }[];
      systemInstruction?: { parts?: { text?: string }[] };
    };
    const parts = [...(b.systemInstruction?.parts ?? []), ...(b.contents ?? []).flatMap((c) => c.parts ?? [])];
    return parts.map((p) => p.text ?? '').join('\n');
  }
}

const STATUS_NAMES: Record<ErrorStatus, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const DEFAULT_MESSAGES: Record<ErrorStatus, string> = {
  400: 'Request contains an invalid argument.',
  403: 'The caller does not have permission',
  404: 'models/unknown is not found for API version v1beta, or is not supported for generateContent.',
  429: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

function googleError(res: Response, status: ErrorStatus, message?: string, details?: unknown[]) {
  res.status(status).json({
    error: {
      code: status,
      message: message ?? DEFAULT_MESSAGES[status],
      status: STATUS_NAMES[status],
      ...(details ? { details } : {}),
    },
  });
}

function quotaDetails(model: string, retryDelay?: string): unknown[] {
  return [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          quotaDimensions: { location: 'global', model },
          quotaValue: '10',
        },
      ],
    },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [
        { description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' },
      ],
    },
    ...(retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : []),
  ];
}

const SCHEMA_TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);

/** The OpenAPI subset Gemini accepts; types in either case. Returns the first problem, or null. */
function schemaProblem(schema: unknown, path: string): string | null {
  if (typeof schema !== 'object' || schema === null) return `${path}: must be an object`;
  const s = schema as { type?: unknown; properties?: unknown; items?: unknown; required?: unknown; enum?: unknown };
  if (typeof s.type !== 'string' || !SCHEMA_TYPES.has(s.type.toUpperCase()))
    return `${path}.type: invalid value ${JSON.stringify(s.type ?? null)}`;
  const type = s.type.toUpperCase();
  if (type === 'ARRAY') {
    if (s.items === undefined) return `${path}.items: must be specified for ARRAY type`;
    return schemaProblem(s.items, `${path}.items`);
  }
  if (type === 'OBJECT' && s.properties !== undefined) {
    if (typeof s.properties !== 'object' || s.properties === null) return `${path}.properties: must be an object`;
    for (const [name, sub] of Object.entries(s.properties)) {
      const problem = schemaProblem(sub, `${path}.properties[${name}]`);
      if (problem) return problem;
    }
    if (
      s.required !== undefined &&
      (!Array.isArray(s.required) || s.required.some((r) => !(r in (s.properties as object))))
    ) {
      return `${path}.required: every required property must be defined in properties`;
    }
  }
  if (s.enum !== undefined && (!Array.isArray(s.enum) || s.enum.some((e) => typeof e !== 'string')))
    return `${path}.enum: must be a list of strings`;
  return null;
}

/** The name of the top-level array property the schema asks for (the variants list), if any. */
function arrayProperty(schema: unknown): string | null {
  const props = (schema as { properties?: Record<string, { type?: string }> } | undefined)?.properties ?? {};
  return Object.entries(props).find(([, p]) => p.type?.toUpperCase() === 'ARRAY')?.[0] ?? null;
}

/**
 * Gemini's JSON follows the schema: each variant keeps only the item's declared properties, and a declared one the
 * copy lacks gets a value of its type (a string from the headline, the first enum value, 0, false).
 */
function shapeVariants(schema: unknown, list: string, variants: Record<string, string>[]): Record<string, unknown>[] {
  type Field = { type?: string; enum?: string[] };
  const listSchema = (schema as { properties?: Record<string, { items?: { properties?: Record<string, Field> } }> })
    ?.properties?.[list];
  const fields = listSchema?.items?.properties;
  if (!fields) return variants;
  return variants.map((v) =>
    Object.fromEntries(
      Object.entries(fields).map(([name, field]) => {
        if (v[name] !== undefined) return [name, v[name]];
        const type = field.type?.toUpperCase();
        if (field.enum?.length) return [name, field.enum[0]];
        if (type === 'NUMBER' || type === 'INTEGER') return [name, 0];
        if (type === 'BOOLEAN') return [name, false];
        return [name, v.headline ?? ''];
      }),
    ),
  );
}

/** A release plan is asked for: the schema's top-level `items` list of objects with a `kind` (planner.ts). */
function asksForPlan(schema: unknown): boolean {
  const items = (schema as { properties?: { items?: { items?: { properties?: Record<string, unknown> } } } })
    ?.properties?.items;
  return Boolean(items?.items?.properties?.kind);
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export function createGeminiSimulator(opts: GeminiSimulatorOptions): { app: Express; state: GeminiSimState } {
  const state = new GeminiSimState(opts);
  const app = express();
  app.use(express.json({ limit: '1mb' }));

  app.post(/^\/(v1beta|v1)\/models\/([\w.-]+):generateContent$/, (req, res) => {
    const [apiVersion, model] = [(req.params as Record<string, string>)[0], (req.params as Record<string, string>)[1]];
    const key = req.get('x-goog-api-key') ?? (typeof req.query.key === 'string' ? req.query.key : undefined);
    const record: RecordedRequest = {
      at: Date.now(),
      model,
      apiVersion,
      keyOk: key !== undefined && state.apiKeys.has(key),
      body: req.body as unknown,
      status: 200,
    };
    state.requests.push(record);
    const fail = (status: ErrorStatus, message?: string, details?: unknown[]) => {
      record.status = status;
      googleError(res, status, message, details);
    };

    if (key === undefined)
      return fail(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      );
    if (!state.apiKeys.has(key)) {
      return fail(400, 'API key not valid. Please pass a valid API key.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
      ]);
    }
    const body = req.body as {
      contents?: unknown;
      generationConfig?: { responseMimeType?: unknown; responseSchema?: unknown; candidateCount?: unknown };
    };
    if (!Array.isArray(body.contents) || body.contents.length === 0)
      return fail(400, '* GenerateContentRequest.contents: contents is not specified');
    const text = GeminiSimState.promptText(body);
    if (!text.trim()) return fail(400, '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.');
    const config = body.generationConfig ?? {};
    const mime = config.responseMimeType ?? 'text/plain';
    if (!['text/plain', 'application/json', 'text/x.enum'].includes(String(mime))) {
      return fail(
        400,
        `* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, and \`text/x.enum\`.`,
      );
    }
    if (config.responseSchema !== undefined) {
      if (mime === 'text/plain')
        return fail(
          400,
          '* GenerateContentRequest.generation_config.response_schema: response_mime_type must be application/json or text/x.enum when response_schema is set.',
        );
      const problem = schemaProblem(config.responseSchema, 'GenerateContentRequest.generation_config.response_schema');
      if (problem) return fail(400, `* ${problem}`);
    }

    const scripted = state.script.shift();
    if (scripted && 'error' in scripted) {
      return fail(
        scripted.error,
        scripted.message,
        scripted.error === 429 ? quotaDetails(model, scripted.retryDelay) : undefined,
      );
    }
    const usage = { promptTokenCount: tokens(text), candidatesTokenCount: 0, totalTokenCount: tokens(text) };
    if (scripted && 'blockReason' in scripted) {
      record.finishReason = `blocked:${scripted.blockReason}`;
      return res.json({
        promptFeedback: {
          blockReason: scripted.blockReason,
          safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH' }],
        },
        usageMetadata: usage,
        modelVersion: model,
      });
    }

    let output: string;
    if (scripted && 'text' in scripted) output = scripted.text;
    else if (asksForPlan(config.responseSchema)) output = JSON.stringify(writePlan(text));
    else {
      let variants = writeCopy(text) as Record<string, string>[];
      if (scripted && 'variants' in scripted)
        variants = variants.map((v, i) => ({ ...v, ...(scripted.variants[i] ?? {}) }));
      const list = arrayProperty(config.responseSchema) ?? 'variants';
      const shaped = shapeVariants(config.responseSchema, list, variants);
      output =
        mime === 'application/json'
          ? JSON.stringify({ [list]: shaped })
          : variants.map((v) => Object.values(v).join('\n')).join('\n\n');
    }
    let finishReason = 'STOP';
    let content: unknown = { role: 'model', parts: [{ text: output }] };
    if (scripted && 'finishReason' in scripted) {
      finishReason = scripted.finishReason;
      if (finishReason === 'MAX_TOKENS') output = output.slice(0, Math.floor(output.length / 2)); // cut mid-JSON
      content =
        finishReason === 'SAFETY' || finishReason === 'RECITATION'
          ? undefined
          : { role: 'model', parts: [{ text: output }] };
    }
    record.finishReason = finishReason;
    const candidatesTokenCount = tokens(output);
    res.json({
      candidates: [
        {
          index: 0,
          ...(content ? { content } : {}),
          finishReason,
          safetyRatings: [
            'HARM_CATEGORY_HATE_SPEECH',
            'HARM_CATEGORY_DANGEROUS_CONTENT',
            'HARM_CATEGORY_HARASSMENT',
            'HARM_CATEGORY_SEXUALLY_EXPLICIT',
          ].map((category) => ({
            category,
            probability: finishReason === 'SAFETY' && category === 'HARM_CATEGORY_HARASSMENT' ? 'HIGH' : 'NEGLIGIBLE',
            ...(finishReason === 'SAFETY' && category === 'HARM_CATEGORY_HARASSMENT' ? { blocked: true } : {}),
          })),
        },
      ],
      usageMetadata: {
        promptTokenCount: usage.promptTokenCount,
        candidatesTokenCount,
        totalTokenCount: usage.promptTokenCount + candidatesTokenCount,
      },
      modelVersion: model,
    });
  });

  app.post(/^\/(v1beta|v1)\/models\/([\w.-]+):(\w+)$/, (req, res) => {
    googleError(res, 404, `Method ${(req.params as Record<string, string>)[2]} is not supported by this simulator.`);
  });

  app.post('/__control/script', (req, res) => {
    // {responses: [...], times?: n} queues the list n times: e.g. the next three answers 429.
    const { responses, times = 1 } = req.body as { responses?: ScriptedResponse[]; times?: number };
    if (!Array.isArray(responses)) return res.status(400).json({ error: 'responses must be a list' });
    if (!Number.isInteger(times) || times < 1 || times > 100)
      return res.status(400).json({ error: 'times must be an integer 1..100' });
    for (let i = 0; i < times; i++) state.enqueue(...responses);
    res.json({ queued: state.script.length });
  });
  app.delete('/__control/script', (_req, res) => {
    state.script.length = 0;
    res.json({ queued: 0 });
  });
  app.post('/__control/keys', (req, res) => {
    const key = (req.body as { key?: unknown }).key;
    if (typeof key !== 'string' || !key) return res.status(400).json({ error: 'key must be a non-empty string' });
    state.apiKeys.add(key);
    res.json({ keys: state.apiKeys.size });
  });
  app.get('/__control/requests', (_req, res) => res.json(state.requests));
  app.delete('/__control/requests', (_req, res) => {
    state.requests.length = 0;
    res.json({ cleared: true });
  });
  answerUnmatchedInJson(app, googleErrorEnvelope());
  return { app, state };
}

export async function startGeminiSimulator(
  opts: GeminiSimulatorOptions & { port?: number },
): Promise<{ url: string; state: GeminiSimState; close(): Promise<void> }> {
  const { app, state } = createGeminiSimulator(opts);
  return { ...(await listenOnLoopback(app, opts.port)), state };
}
