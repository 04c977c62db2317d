// The one way a provider client makes an HTTP call: a timeout on every request, transport failures turned into
// ProviderErrors (a cut write may have landed: outcome_unknown), the client's own classifier for the answers, and
// every call reported to an injected hook, so that the worker and the API each count them in their own metrics.
//
// It speaks HTTP through undici's pooled keep-alive client rather than axios over node:http: on a release wave the
// worker makes one call per fan, and axios's per-request config merging, interceptor chain and node:http parsing
// were about a third of the worker's busy time (docs/performance.md has the profiles before and after).
import { type Dispatcher, EnvHttpProxyAgent, request as undiciRequest } from 'undici';
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

/** A provider's answer, whatever its status: headers by lower-case name, the body parsed when it is JSON. */
export interface ProviderResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** the parsed JSON body; the text when it is not JSON ('' when empty); a Buffer for `responseType: 'buffer'` */
  data: unknown;
}

/** Turns an answer into an error, or null when it is a success. */
export type ClassifyAnswer = (res: ProviderResponse) => ProviderError | null;

export interface ProviderHttpOptions {
  provider: ProviderName;
  /** how error messages name the provider: "Spotify unreachable: …" */
  label: string;
  baseURL: string;
  timeoutMs: number;
  classify: ClassifyAnswer;
  onCall?: OnProviderCall;
}

export interface ProviderRequest {
  operation: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** a path below the client's base URL, or an absolute URL */
  url: string;
  /** the query string; undefined values are left out */
  params?: Record<string, string | number | boolean | undefined>;
  /** an object is sent as JSON; a string or URLSearchParams as a form unless `headers` name another type */
  data?: object | string;
  headers?: Record<string, string>;
  /** HTTP Basic credentials */
  auth?: { username: string; password: string };
  /** `buffer`: the body's bytes, not parsed */
  responseType?: 'json' | 'buffer';
  /** a larger body is refused (read stops there) */
  maxBytes?: number;
  /** a request that changes something at the provider: without an answer, it may or may not have landed */
  write?: boolean;
  /** this request's own idea of success (e.g. a revocation that is fine when already revoked) */
  classify?: ClassifyAnswer;
}

// Errors where the request never left: nothing can have landed, even for a write.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT']);

// axios sent through the proxy named by HTTP_PROXY / HTTPS_PROXY (less NO_PROXY), so does this: a deployment whose
// egress goes through a proxy keeps working. One agent for every client (it pools connections per origin);
// without those variables, undici's default agent.
let proxyAgent: Dispatcher | undefined;
function dispatcherFromEnv(): Dispatcher | undefined {
  const { HTTPS_PROXY, https_proxy, HTTP_PROXY, http_proxy } = process.env;
  if (!(HTTPS_PROXY || https_proxy || HTTP_PROXY || http_proxy)) return undefined;
  return (proxyAgent ??= new EnvHttpProxyAgent());
}

export class ProviderHttp {
  private readonly base: string;
  private readonly dispatcher = dispatcherFromEnv();

  constructor(private readonly opts: ProviderHttpOptions) {
    this.base = opts.baseURL.replace(/\/+$/, '');
  }

  async request(request: ProviderRequest): Promise<ProviderResponse> {
    const { operation, write = false, classify = this.opts.classify } = request;
    return measured(
      this.opts.onCall,
      this.opts.provider,
      operation,
      async () => {
        let res: ProviderResponse;
        try {
          res = await this.send(request);
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

  private async send(request: ProviderRequest): Promise<ProviderResponse> {
    const headers: Record<string, string> = { accept: 'application/json, text/plain, */*' };
    let body: string | Buffer | undefined;
    const { data } = request;
    if (typeof data === 'string' || data instanceof URLSearchParams) {
      body = data.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (Buffer.isBuffer(data)) {
      body = data;
    } else if (data !== undefined) {
      body = JSON.stringify(data);
      headers['content-type'] = 'application/json';
    }
    if (request.auth) {
      const { username, password } = request.auth;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;

    // headersTimeout and bodyTimeout ride undici's coarse shared timers: a per-request AbortSignal.timeout would
    // keep one timer alive for the full timeout of every call, thousands at once on a wave.
    const res = await undiciRequest(this.urlOf(request), {
      method: request.method ?? 'GET',
      headers,
      body,
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
      dispatcher: this.dispatcher,
    });
    const bytes = await readBody(res.body, request.maxBytes);
    return { status: res.statusCode, headers: res.headers, data: parsed(bytes, request.responseType) };
  }

  private urlOf({ url, params }: ProviderRequest): string {
    const absolute = /^https?:\/\//i.test(url) ? url : `${this.base}/${url.replace(/^\/+/, '')}`;
    if (!params) return absolute;
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, String(value));
    const search = query.toString();
    if (!search) return absolute;
    return `${absolute}${absolute.includes('?') ? '&' : '?'}${search}`;
  }
}

async function readBody(body: AsyncIterable<Buffer>, maxBytes: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (maxBytes !== undefined && size > maxBytes) {
      throw Object.assign(new Error(`the answer is larger than ${maxBytes} bytes`), { code: 'ERR_BODY_TOO_LARGE' });
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function parsed(bytes: Buffer, responseType: ProviderRequest['responseType']): unknown {
  if (responseType === 'buffer') return bytes;
  const text = bytes.toString('utf8');
  if (!text) return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
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
