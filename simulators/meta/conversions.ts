// Loopback simulator of Meta's Conversions API (docs/providers/meta.md): POST /{version}/{pixel_id}/events with
// `data` (a JSON array, or a JSON string in a form body), `access_token` (query, form field or Bearer header) and
// an optional `test_event_code`. It checks what Meta checks — the 7-day event_time rule (one old event rejects the
// whole request), action_source, website events' URL and user agent, hashed e-mail/phone, unhashed fbc/fbp/IP —
// and answers {events_received, messages, fbtrace_id} or Graph's error envelope. Control endpoints under
// /__control/capi: accepted dataset tokens, the recorded requests, and faults on demand (429 / 500).
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import express, { type Express, type Request, type Response, type Router } from 'express';
import { type MetaSimState } from './index';

const MAX_AGE_SECONDS = 7 * 24 * 3600;
const FUTURE_TOLERANCE_SECONDS = 60;
const MAX_EVENTS = 1000;
const ACTION_SOURCES = [
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
];
const SHA256_HEX = /^[0-9a-f]{64}$/;
const HASHED_FIELDS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country'];
const IDENTIFIERS = [
  ...HASHED_FIELDS,
  'external_id',
  'fbc',
  'fbp',
  'client_ip_address',
  'client_user_agent',
  'subscription_id',
  'fb_login_id',
  'lead_id',
];

export interface CapiRequestRecord {
  at: number;
  pixelId: string;
  status: number;
  errorCode?: number;
  errorSubcode?: number;
  testEventCode?: string;
  /** the events as received (recorded for rejected requests too) */
  events: unknown[];
}

/** A dataset token the simulator always accepts, for any pixel (sandbox mode: paste it as the pixel's token). */
export const SANDBOX_CAPI_TOKEN = 'EAAsandbox-conversions-api-token';

export class ConversionsSimState {
  /** dataset (system-user) tokens and the pixels each may send to; '*' = any */
  readonly datasetTokens = new Map<string, Set<string> | '*'>([[SANDBOX_CAPI_TOKEN, '*']]);
  readonly requests: CapiRequestRecord[] = [];
  readonly faults: { status: 429 | 500 | 503; remaining: number }[] = [];

  /** Events Meta accepted, with the request's pixel and test code. */
  accepted(): { pixelId: string; testEventCode?: string; event: Record<string, unknown> }[] {
    return this.requests
      .filter((r) => r.status === 200)
      .flatMap((r) =>
        r.events.map((event) => ({
          pixelId: r.pixelId,
          testEventCode: r.testEventCode,
          event: event as Record<string, unknown>,
        })),
      );
  }
}

class GraphError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: { subcode?: number; type?: string; userTitle?: string; userMsg?: string; status?: number } = {},
  ) {
    super(message);
  }
}

const fbtrace = () => `A${randomBytes(10).toString('base64url')}`;

function sendGraphError(res: Response, error: GraphError) {
  res.status(error.extra.status ?? 400).json({
    error: {
      message: error.message,
      type: error.extra.type ?? 'OAuthException',
      code: error.code,
      ...(error.extra.subcode ? { error_subcode: error.extra.subcode } : {}),
      ...(error.extra.userTitle
        ? { error_user_title: error.extra.userTitle, error_user_msg: error.extra.userMsg }
        : {}),
      fbtrace_id: fbtrace(),
    },
  });
}

const invalid = (message: string, extra: { subcode?: number; userTitle?: string; userMsg?: string } = {}) =>
  new GraphError(100, message, extra);

function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return header.slice(7);
  const fromBody = (req.body as Record<string, unknown> | undefined)?.access_token;
  return typeof req.query.access_token === 'string'
    ? req.query.access_token
    : typeof fromBody === 'string'
      ? fromBody
      : undefined;
}

function checkToken(meta: MetaSimState, sim: ConversionsSimState, token: string | undefined, pixelId: string) {
  if (!token) throw new GraphError(190, 'An access token is required to request this resource.');
  const dataset = sim.datasetTokens.get(token);
  if (dataset) {
    if (dataset !== '*' && !dataset.has(pixelId)) {
      throw new GraphError(
        100,
        `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        { subcode: 33, type: 'GraphMethodException' },
      );
    }
    return;
  }
  const user = meta.tokens.get(token); // an artist's user token from the login flow (ads_management)
  if (!user) throw new GraphError(190, 'Invalid OAuth access token - Cannot parse access token', { subcode: 467 });
  if (meta.revokedUsers.has(user.user))
    throw new GraphError(190, 'Error validating access token: The user has not authorized application.', {
      subcode: 458,
    });
  if (user.expiresAt <= Date.now())
    throw new GraphError(190, 'Error validating access token: Session has expired.', { subcode: 463 });
}

function checkHashed(field: string, value: unknown, i: number) {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v !== 'string')
      throw invalid(`Invalid parameter: data[${i}].user_data.${field} must be a string or an array of strings`);
    if (SHA256_HEX.test(v)) continue;
    const unhashedEmail = field === 'em' && v.includes('@');
    throw invalid(`Invalid parameter: data[${i}].user_data.${field}`, {
      subcode: 2804015,
      userTitle: unhashedEmail ? 'Unhashed Email Address' : `Invalid ${field} value`,
      userMsg: unhashedEmail
        ? 'The email address sent with this event is not hashed. Hash it with SHA-256 after normalising it (trim, lowercase).'
        : `The ${field} value must be a lowercase hex SHA-256 hash of the normalised value.`,
    });
  }
}

function checkEvent(raw: unknown, i: number, now: number) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(`Invalid parameter: data[${i}] must be an object`);
  const e = raw as Record<string, unknown>;
  if (typeof e.event_name !== 'string' || !e.event_name)
    throw invalid(`The parameter data[${i}].event_name is required`);
  if (typeof e.event_time !== 'number' || !Number.isInteger(e.event_time))
    throw invalid(`The parameter data[${i}].event_time is required and must be a unix time in seconds`);
  if (e.event_time < now - MAX_AGE_SECONDS) {
    throw invalid('Invalid parameter', {
      subcode: 2804003,
      userTitle: 'Event Timestamp Too Old',
      userMsg:
        'The timestamp for this event is too far in the past. Events need to be logged to Meta within 7 days of their occurrence.',
    });
  }
  if (e.event_time > now + FUTURE_TOLERANCE_SECONDS) {
    throw invalid('Invalid parameter', {
      subcode: 2804004,
      userTitle: 'Event Timestamp In Future',
      userMsg: 'The timestamp for this event is in the future.',
    });
  }
  if (e.event_id !== undefined && (typeof e.event_id !== 'string' || !e.event_id || e.event_id.length > 500))
    throw invalid(`Invalid parameter: data[${i}].event_id must be a non-empty string`);
  if (typeof e.action_source !== 'string' || !ACTION_SOURCES.includes(e.action_source)) {
    throw invalid(`The parameter data[${i}].action_source is required and must be one of ${ACTION_SOURCES.join(', ')}`);
  }
  if (!e.user_data || typeof e.user_data !== 'object' || Array.isArray(e.user_data))
    throw invalid(`The parameter data[${i}].user_data is required`);
  const u = e.user_data as Record<string, unknown>;
  if (!IDENTIFIERS.some((k) => u[k] !== undefined && u[k] !== ''))
    throw invalid(`Invalid parameter: data[${i}].user_data needs at least one customer information parameter`);
  for (const field of HASHED_FIELDS) if (u[field] !== undefined) checkHashed(field, u[field], i);
  for (const field of ['fbc', 'fbp']) {
    const v = u[field];
    if (v === undefined) continue;
    if (typeof v !== 'string' || SHA256_HEX.test(v))
      throw invalid(`Invalid parameter: data[${i}].user_data.${field} must be sent unhashed`);
    if (!/^fb\.\d\.\d+\..+$/.test(v))
      throw invalid(`Invalid parameter: data[${i}].user_data.${field} must look like fb.1.<creation time>.<value>`);
  }
  if (u.client_ip_address !== undefined && (typeof u.client_ip_address !== 'string' || !isIP(u.client_ip_address))) {
    throw invalid(`Invalid parameter: data[${i}].user_data.client_ip_address must be an unhashed IPv4 or IPv6 address`);
  }
  if (e.action_source === 'website') {
    if (typeof e.event_source_url !== 'string' || !/^https?:\/\//.test(e.event_source_url))
      throw invalid(`The parameter data[${i}].event_source_url is required for website events`);
    if (typeof u.client_user_agent !== 'string' || !u.client_user_agent)
      throw invalid(`The parameter data[${i}].user_data.client_user_agent is required for website events`);
  }
}

/** Mounts the Conversions API and its control endpoints on the Meta simulator's app. */
export function mountConversionsApi(
  app: Express,
  graph: Router,
  meta: MetaSimState,
  sim = new ConversionsSimState(),
): ConversionsSimState {
  const json = express.json({ limit: '4mb' });

  graph.post('/:pixelId/events', (req, res) => {
    const pixelId = req.params.pixelId;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const testEventCode = typeof body.test_event_code === 'string' ? body.test_event_code : undefined;
    const record: CapiRequestRecord = { at: Date.now(), pixelId, status: 200, testEventCode, events: [] };
    sim.requests.push(record);
    try {
      const fault = sim.faults[0];
      if (fault) {
        if (--fault.remaining <= 0) sim.faults.shift();
        throw fault.status === 429
          ? new GraphError(4, 'Application request limit reached', { subcode: 1504022, status: 429 })
          : new GraphError(2, 'An unexpected error has occurred. Please retry your request later.', {
              status: fault.status,
            });
      }
      if (!/^\d{1,20}$/.test(pixelId))
        throw new GraphError(803, `(#803) Some of the aliases you requested do not exist: ${pixelId}`);
      checkToken(meta, sim, tokenOf(req), pixelId);
      let data = body.data;
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch {
          throw invalid('Invalid parameter: data must be a JSON array');
        }
      }
      if (data === undefined) throw invalid('The parameter data is required');
      if (!Array.isArray(data) || data.length === 0)
        throw invalid('Invalid parameter: data must be a non-empty array of events');
      record.events = data;
      if (data.length > MAX_EVENTS) throw invalid(`Invalid parameter: at most ${MAX_EVENTS} events per request`);
      const now = Math.floor(Date.now() / 1000);
      data.forEach((e, i) => checkEvent(e, i, now));
      res.json({ events_received: data.length, messages: [], fbtrace_id: fbtrace() });
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      record.status = error.extra.status ?? 400;
      record.errorCode = error.code;
      record.errorSubcode = error.extra.subcode;
      sendGraphError(res, error);
    }
  });

  app.post('/__control/capi/tokens', json, (req, res) => {
    const { token, pixelIds } = (req.body ?? {}) as { token?: string; pixelIds?: string[] };
    if (!token) return res.status(400).json({ error: 'token required' });
    sim.datasetTokens.set(token, Array.isArray(pixelIds) ? new Set(pixelIds) : '*');
    res.json({ ok: true });
  });
  app.post('/__control/capi/faults', json, (req, res) => {
    const { status, count } = (req.body ?? {}) as { status?: number; count?: number };
    if (status !== 429 && status !== 500 && status !== 503)
      return res.status(400).json({ error: 'status must be 429, 500 or 503' });
    sim.faults.push({ status, remaining: Math.max(1, Number(count) || 1) });
    res.json({ ok: true });
  });
  app.get('/__control/capi/requests', (_req, res) => res.json(sim.requests));
  app.get('/__control/capi/events', (_req, res) => res.json(sim.accepted()));
  app.post('/__control/capi/reset', (_req, res) => {
    sim.requests.length = 0;
    sim.faults.length = 0;
    res.json({ ok: true });
  });
  return sim;
}
