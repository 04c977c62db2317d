// Loopback simulator of Twilio's Messages API (docs/providers/twilio.md): POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From (or MessagingServiceSid) and Body, HTTP
// basic auth with the Account SID or an API key SID and its secret. Answers 201 with the message resource, or
// Twilio's error body {code, message, more_info, status}: 20003 (401) for refused credentials, 21211 for a To that
// is not E.164, 21602 for a missing Body, 21610 for a recipient who replied STOP, 20429 (429, Retry-After) for a
// burst over `maxPerSecond`. Control endpoints under /__control: the messages sent, STOP replies, and faults on
// demand (429 / 500 / 503, or a timeout that never answers). `POST /__control/stop {to}` is a STOP reply from that
// number: from then on it gets 21610, as Twilio's Advanced Opt-Out does.
import { randomBytes } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { listenOnLoopback } from '../listen';

export interface TwilioSimOptions {
  accountSid: string;
  authToken: string;
  /** requests per second per account before 20429 (Twilio queues per sender; an API burst is refused) */
  maxPerSecond?: number;
  port?: number;
}

export interface SentSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  at: number;
}

type Fault = { status: 429 | 500 | 503 | 'timeout'; remaining: number };

export class TwilioSimState {
  readonly sent: SentSms[] = [];
  readonly optedOut = new Set<string>();
  readonly faults: Fault[] = [];
  /** every request's answer status, in order (rejected ones too) */
  readonly statuses: number[] = [];
  /** every refused send with its Twilio code and the number it was for, in order */
  readonly refusals: { to: string | undefined; code: number }[] = [];
}

const E164 = /^\+[1-9]\d{6,14}$/;

function twilioError(res: Response, status: number, code: number, message: string) {
  res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

export function twilioSimulatorApp(opts: TwilioSimOptions, state = new TwilioSimState()): Express {
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(express.json());
  const window: number[] = [];

  app.get('/__control/messages', (_req, res) => res.json(state.sent));
  app.post('/__control/stop', (req, res) => {
    state.optedOut.add(String((req.body as { to?: string }).to));
    res.status(204).end();
  });
  app.post('/__control/faults', (req, res) => {
    const { status, count } = req.body as { status: Fault['status']; count?: number };
    state.faults.push({ status, remaining: count ?? 1 });
    res.status(204).end();
  });

  app.post('/2010-04-01/Accounts/:sid/Messages.json', (req: Request, res: Response) => {
    const answer = (status: number, code: number, message: string) => {
      state.statuses.push(status);
      state.refusals.push({ to: (req.body as { To?: string }).To, code });
      twilioError(res, status, code, message);
    };
    const fault = state.faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining--;
      if (fault.status === 'timeout') return; // never answers: the client's timeout decides
      if (fault.status === 429) res.set('Retry-After', '1');
      return answer(fault.status, fault.status === 429 ? 20429 : 20500, 'Simulated fault');
    }
    const [user, password] = Buffer.from((req.get('authorization') ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (req.params.sid !== opts.accountSid || user !== opts.accountSid || password !== opts.authToken) {
      return answer(401, 20003, 'Authenticate');
    }
    const now = Date.now();
    while (window.length && window[0] <= now - 1000) window.shift();
    if (window.length >= (opts.maxPerSecond ?? 100)) {
      res.set('Retry-After', '1');
      return answer(429, 20429, 'Too Many Requests');
    }
    window.push(now);
    const { To, From, MessagingServiceSid, Body } = req.body as Record<string, string | undefined>;
    if (!To || !E164.test(To)) return answer(400, 21211, `The 'To' number ${To ?? ''} is not a valid phone number.`);
    if (!From && !MessagingServiceSid) return answer(400, 21603, "A 'From' or 'MessagingServiceSid' is required.");
    if (!Body) return answer(400, 21602, 'Message body is required.');
    if (Body.length > 1600)
      return answer(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (state.optedOut.has(To)) return answer(400, 21610, 'Attempt to send to unsubscribed recipient');
    const sid = `SM${randomBytes(16).toString('hex')}`;
    state.sent.push({ sid, to: To, from: From ?? MessagingServiceSid!, body: Body, at: now });
    state.statuses.push(201);
    res.status(201).json({
      sid,
      account_sid: opts.accountSid,
      to: To,
      from: From ?? null,
      messaging_service_sid: MessagingServiceSid ?? null,
      body: Body,
      status: 'queued',
      num_segments: String(Math.ceil(Body.length / 153) || 1),
      direction: 'outbound-api',
      date_created: new Date(now).toUTCString(),
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}.json`,
    });
  });
  return app;
}

export async function startTwilioSimulator(opts: TwilioSimOptions) {
  const state = new TwilioSimState();
  const server = await listenOnLoopback(twilioSimulatorApp(opts, state), opts.port ?? 0);
  return { ...server, state };
}

/** The sandbox account the dev stack starts the simulator with (no real Twilio account configured). */
export const SANDBOX_TWILIO = { accountSid: 'AC00000000000000000000000000sandbox', authToken: 'sandbox-token' };
