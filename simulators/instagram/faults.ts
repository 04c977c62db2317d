// Faults on demand for the Instagram simulator: the next matching requests answer with a Graph error (any code and
// subcode: 190 revoked token, 4/17/613 throttles, 9/2207042 quota, 2207xxx media errors), a 5xx, or are served and
// then lose their answer (a write that landed without the caller knowing).
import { type RequestHandler } from 'express';
import { graphErrorBody } from '../meta/graph-http';

export interface InstagramFault {
  kind?: 'graph' | '5xx' | 'lost-answer';
  /** path prefix after the version, e.g. "/media_publish" matches "/{ig-id}/media_publish"; a substring match */
  path?: string;
  method?: string;
  count?: number;
  status?: number;
  code?: number;
  subcode?: number;
  message?: string;
  userMessage?: string;
  isTransient?: boolean;
}

export class InstagramFaults {
  private queue: (InstagramFault & { remaining: number })[] = [];

  add(fault: InstagramFault): void {
    this.queue.push({ ...fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  /** Mounted before the Graph routes. */
  readonly middleware: RequestHandler = (req, res, next) => {
    const fault = this.queue.find(
      (f) => f.remaining > 0 && (!f.path || req.path.includes(f.path)) && (!f.method || f.method === req.method),
    );
    if (!fault) return next();
    fault.remaining--;
    this.queue = this.queue.filter((f) => f.remaining > 0);
    if (fault.kind === '5xx') {
      res.status(fault.status ?? 500).json(graphErrorBody(1, 'An unknown error has occurred.', { is_transient: true }));
      return;
    }
    if (fault.kind === 'lost-answer') {
      const destroy = () => req.socket.destroy();
      res.json = (() => (destroy(), res)) as typeof res.json; // the handler runs (the write lands), the answer is lost
      return next();
    }
    res.status(fault.status ?? 400).json(
      graphErrorBody(fault.code ?? 1, fault.message ?? 'An unknown error has occurred.', {
        ...(fault.subcode ? { error_subcode: fault.subcode } : {}),
        is_transient: fault.isTransient ?? false,
        ...(fault.userMessage ? { error_user_title: 'Error', error_user_msg: fault.userMessage } : {}),
      }),
    );
  };
}
