// The Gemini simulator against the real `@google/generative-ai` SDK and our provider client: the request the SDK
// builds (key header, base URL, either-case schema), finish reasons that make the SDK throw, Google's error envelope.
import axios from 'axios';
import { GoogleGenerativeAI, GoogleGenerativeAIFetchError } from '@google/generative-ai';
import { ProviderError as GeminiError } from '../../lib/providers/errors';
import { GeminiCopyClient } from '../../lib/providers/gemini';
import { buildCopyPrompt } from '../../lib/ad-copy/prompt';
import { startGeminiSimulator } from '../../simulators/gemini';

const KEY = 'test-gemini-key';
let sim: Awaited<ReturnType<typeof startGeminiSimulator>>;
beforeAll(async () => {
  sim = await startGeminiSimulator({ apiKeys: [KEY] });
});
afterAll(() => sim?.close());
beforeEach(() => {
  sim.state.script.length = 0;
  sim.state.requests.length = 0;
});

const prompt = buildCopyPrompt({
  meta: {
    artist: 'Luna Vey',
    title: 'Midnight Sun',
    genres: [],
    releaseDate: '2026-12-12',
    explicit: false,
    platform: 'meta',
  },
  count: 3,
});
const client = (key = KEY) => new GeminiCopyClient({ apiKey: key, baseUrl: sim.url, model: 'gemini-test-model' });

describe('Gemini simulator', () => {
  it('answers the SDK with JSON under the response schema, deterministic from the prompt', async () => {
    const first = await client().writeVariants(prompt, 3);
    const again = await client().writeVariants(prompt, 3);
    expect(first).toEqual(again);
    expect(first.kind).toBe('variants');
    if (first.kind !== 'variants') return;
    expect(first.finishReason).toBe('STOP');
    expect(first.drafts).toHaveLength(3);
    for (const d of first.drafts) expect(d.headline.length).toBeGreaterThan(0);
    expect(first.drafts.map((d) => d.primaryText).join(' ')).toContain('Luna Vey');

    const [req] = sim.state.requests;
    expect(req).toMatchObject({
      model: 'gemini-test-model',
      apiVersion: 'v1beta',
      keyOk: true,
      status: 200,
      finishReason: 'STOP',
    });
    const body = req.body as {
      generationConfig: { responseMimeType: string; responseSchema: { type: string } };
      systemInstruction: { role: string };
    };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.responseSchema.type).toBe('object'); // the SDK's lowercase SchemaType
    expect(body.systemInstruction.role).toBe('system');
  });

  it('accepts REST-style uppercase schema types and rejects unknown ones with INVALID_ARGUMENT', async () => {
    const post = (type: string) =>
      axios.post(
        `${sim.url}/v1beta/models/gemini-x:generateContent`,
        {
          contents: [{ role: 'user', parts: [{ text: 'Write 1 ad copy variants.' }] }],
          generationConfig: {
            responseMimeType: 'application/json',
            responseSchema: { type: 'OBJECT', properties: { variants: { type: 'ARRAY', items: { type } } } },
          },
        },
        { headers: { 'x-goog-api-key': KEY }, validateStatus: () => true },
      );
    const ok = await post('STRING');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.data.candidates[0].content.parts[0].text)).toHaveProperty('variants');
    expect(ok.data.usageMetadata.totalTokenCount).toBeGreaterThan(0);
    const bad = await post('TEXT');
    expect(bad.status).toBe(400);
    expect(bad.data.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(bad.data.error.message).toContain('response_schema');
  });

  it('refuses a bad key (400 API_KEY_INVALID) and a missing one (403)', async () => {
    await expect(client('wrong').writeVariants(prompt, 1)).rejects.toMatchObject({
      kind: 'invalid_request',
      status: 400,
      message: 'Gemini answered 400: API key not valid. Please pass a valid API key.',
    });
    const sdkError = await new GoogleGenerativeAI('wrong')
      .getGenerativeModel({ model: 'm' }, { baseUrl: sim.url })
      .generateContent('hi')
      .catch((e: unknown) => e);
    expect(sdkError).toBeInstanceOf(GoogleGenerativeAIFetchError);
    expect((sdkError as GoogleGenerativeAIFetchError).errorDetails?.[0]).toMatchObject({ reason: 'API_KEY_INVALID' });
    const missing = await axios.post(
      `${sim.url}/v1beta/models/m:generateContent`,
      { contents: [{ parts: [{ text: 'x' }] }] },
      { validateStatus: () => true },
    );
    expect(missing.status).toBe(403);
    expect(missing.data.error.status).toBe('PERMISSION_DENIED');
  });

  it('429 carries QuotaFailure and RetryInfo; the client reads the delay', async () => {
    sim.state.enqueue({ error: 429, retryDelay: '2.5s' }, { error: 503 });
    const limited = await client()
      .writeVariants(prompt, 1)
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(GeminiError);
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryDelayMs: 2500 });
    expect((limited as Error).message).toBe(
      'Gemini answered 429: You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    );
    await expect(client().writeVariants(prompt, 1)).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    expect((await client().writeVariants(prompt, 1)).kind).toBe('variants'); // the script is used up
  });

  it('SAFETY and a blocked prompt are "blocked"; MAX_TOKENS cuts the JSON', async () => {
    sim.state.enqueue({ finishReason: 'SAFETY' }, { blockReason: 'SAFETY' }, { finishReason: 'MAX_TOKENS' });
    expect((await client().writeVariants(prompt, 2)).kind).toBe('blocked');
    expect((await client().writeVariants(prompt, 2)).kind).toBe('blocked');
    expect(await client().writeVariants(prompt, 2)).toEqual({
      kind: 'malformed',
      reason: 'the answer was cut off (MAX_TOKENS)',
    });
  });

  it('merges scripted variants over the generated ones', async () => {
    sim.state.enqueue({ variants: [{ headline: 'GUARANTEED 1M STREAMS' }] });
    const answer = await client().writeVariants(prompt, 2);
    expect(answer.kind === 'variants' && answer.drafts.map((d) => d.headline)[0]).toBe('GUARANTEED 1M STREAMS');
    expect(answer.kind === 'variants' && answer.drafts[1].headline).not.toBe('GUARANTEED 1M STREAMS');
  });

  it('control endpoints script answers and expose the recorded requests', async () => {
    const queued = await axios.post(`${sim.url}/__control/script`, { responses: [{ error: 500 }], times: 2 });
    expect(queued.data).toEqual({ queued: 2 });
    await expect(client().writeVariants(prompt, 1)).rejects.toMatchObject({ kind: 'unavailable', status: 500 });
    await expect(client().writeVariants(prompt, 1)).rejects.toMatchObject({ kind: 'unavailable', status: 500 });
    expect((await client().writeVariants(prompt, 1)).kind).toBe('variants');
    const recorded = await axios.get(`${sim.url}/__control/requests`);
    expect(recorded.data.map((r: { status: number }) => r.status)).toEqual([500, 500, 200]);
    expect(recorded.data[0].body.contents[0].parts[0].text).toBe(prompt.user);
    expect(
      (await axios.post(`${sim.url}/__control/script`, { responses: 'nope' }, { validateStatus: () => true })).status,
    ).toBe(400);
  });
});
