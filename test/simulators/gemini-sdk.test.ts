// Conformance: Google's own Gemini SDK (@google/generative-ai, no dropday code) against the Gemini simulator:
// generateContent under a response schema answers JSON that matches it, and Google's errors reach the SDK as its
// GoogleGenerativeAIFetchError with the HTTP status and error details. The SDK takes `baseUrl` in request options.
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIFetchError,
  SchemaType,
  type ResponseSchema,
} from '@google/generative-ai';
import { GeminiSimState, startGeminiSimulator } from '../../simulators/gemini';

const KEY = 'sdk-test-gemini-key';
const schema: ResponseSchema = {
  type: SchemaType.OBJECT,
  properties: {
    variants: {
      type: SchemaType.ARRAY,
      items: {
        type: SchemaType.OBJECT,
        properties: { headline: { type: SchemaType.STRING }, primaryText: { type: SchemaType.STRING } },
        required: ['headline', 'primaryText'],
      },
    },
  },
  required: ['variants'],
};

let sim: Awaited<ReturnType<typeof startGeminiSimulator>>;
beforeAll(async () => {
  sim = await startGeminiSimulator({ apiKeys: [KEY] });
});
afterAll(() => sim?.close());

const model = (key = KEY) =>
  new GoogleGenerativeAI(key).getGenerativeModel(
    { model: 'gemini-2.5-flash', generationConfig: { responseMimeType: 'application/json', responseSchema: schema } },
    { baseUrl: sim.url },
  );

async function sdkFailure(call: Promise<unknown>): Promise<GoogleGenerativeAIFetchError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GoogleGenerativeAIFetchError);
  return error as GoogleGenerativeAIFetchError;
}

describe('@google/generative-ai against the Gemini simulator', () => {
  it('answers generateContent with JSON under the response schema', async () => {
    const prompt = 'Write 3 ad variants for "Midnight Sun" by Luna Vey, out 2026-12-12.';
    const result = await model().generateContent(prompt);
    expect(result.response.candidates?.[0].finishReason).toBe('STOP');
    const parsed = JSON.parse(result.response.text()) as { variants: { headline: string; primaryText: string }[] };
    expect(parsed.variants.length).toBeGreaterThan(0);
    for (const v of parsed.variants)
      expect(v).toEqual({ headline: expect.any(String), primaryText: expect.any(String) });
    expect(result.response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);

    const recorded = sim.state.requests.at(-1);
    expect(recorded).toMatchObject({ model: 'gemini-2.5-flash', apiVersion: 'v1beta', keyOk: true, status: 200 });
    expect(GeminiSimState.promptText(recorded?.body)).toContain('Midnight Sun');
  });

  it("delivers Google's error envelope to the SDK: bad key, quota with retry delay, unknown method", async () => {
    const badKey = await sdkFailure(model('not-a-key').generateContent('hello'));
    expect(badKey.status).toBe(400);
    expect(badKey.errorDetails).toEqual([expect.objectContaining({ reason: 'API_KEY_INVALID' })]);

    sim.state.enqueue({ error: 429, retryDelay: '7s' });
    const quota = await sdkFailure(model().generateContent('hello'));
    expect(quota.status).toBe(429);
    expect(quota.errorDetails).toContainEqual(expect.objectContaining({ retryDelay: '7s' }));

    const unknown = await sdkFailure(model().countTokens('hello'));
    expect(unknown.status).toBe(404);
  });
});
