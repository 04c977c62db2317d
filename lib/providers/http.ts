// The one way a provider client makes an HTTP call: a timeout on every request, transport failures turned into
// ProviderErrors (a cut write may have landed: outcome_unknown), the client's own classifier for the answers, and
// every call reported to an injected hook, so that the worker and the API each count them in their own metrics.
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { ProviderError, type ProviderErrorKind, type ProviderName } from './errors';

export interface ProviderCall {
  provider: ProviderName;
  /** a short, bounded name of what was asked (e.g. `token`, `library.save`): a metric label */
  operation: string;
  /** `error`: our side failed before the provider's answer could be classified */
  outcome: 'ok' | ProviderErrorKind | 'error';
  /** the HTTP status, null when there was no answer */
  status: number | null;
  durationMs: number;
}

export type OnProviderCall = (call: ProviderCall) => void;

/** Turns an answer into an error, or null when it is a success. */
export type ClassifyAnswer = (res: AxiosResponse) => ProviderError | null;

export interface ProviderHttpOptions {
  provider: ProviderName;
  /** how error messages name the provider: "Spotify unreachable: …" */
  label: string;
  baseURL: string;
  timeoutMs: number;
  classify: ClassifyAnswer;
  onCall?: OnProviderCall;
}

export interface ProviderRequest extends AxiosRequestConfig {
  operation: string;
  /** a request that changes something at the provider: without an answer, it may or may not have landed */
  write?: boolean;
  /** this request's own idea of success (e.g. a revocation that is fine when already revoked) */
  classify?: ClassifyAnswer;
}

// Errors where the request never left: nothing can have landed, even for a write.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL']);

export class ProviderHttp {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: ProviderHttpOptions) {
    // validateStatus: every answer comes back as a response; the client's classifier reads its body.
    // maxRedirects 0: no provider API answers with a redirect worth following (a 3xx is classified like any other
    // answer), and without it axios sends through node's http directly instead of the follow-redirects wrapper
    // (a wave's worker spent about a tenth of its HTTP time there).
    this.http = axios.create({
      baseURL: opts.baseURL,
      timeout: opts.timeoutMs,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  async request(request: ProviderRequest): Promise<AxiosResponse> {
    const { operation, write = false, classify = this.opts.classify, ...config } = request;
    return measured(
      this.opts.onCall,
      this.opts.provider,
      operation,
      async () => {
        let res: AxiosResponse;
        try {
          res = await this.http.request(config);
        } catch (error) {
          const code = (error as { code?: string }).code ?? '';
          const kind = write && !NOT_SENT.has(code) ? 'outcome_unknown' : 'unavailable';
          const message = `${this.opts.label} unreachable: ${(error as Error).message}`;
          throw new ProviderError(this.opts.provider, kind, message);
        }
        const error = classify(res);
        if (error) throw error;
        return res;
      },
      (res) => res.status,
    );
  }
}

/** Runs one provider call (an SDK's too) and reports it to the hook, whatever its outcome. */
export async function measured<T>(
  onCall: OnProviderCall | undefined,
  provider: ProviderName,
  operation: string,
  call: () => Promise<T>,
  statusOf: (result: T) => number = () => 200,
): Promise<T> {
  const started = performance.now();
  const report = (outcome: ProviderCall['outcome'], status: number | null) => {
    try {
      onCall?.({ provider, operation, outcome, status, durationMs: performance.now() - started });
    } catch {
      // metrics never break a provider call
    }
  };
  try {
    const result = await call();
    report('ok', statusOf(result));
    return result;
  } catch (error) {
    if (error instanceof ProviderError) report(error.kind, error.status ?? null);
    else report('error', null);
    throw error;
  }
}
