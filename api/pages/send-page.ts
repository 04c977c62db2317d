// Every server-rendered page leaves through here: the status, any extra headers the page needs, an HTML type.
import { type Response } from 'express';

export const sendPage = (res: Response, status: number, body: string | Buffer, headers: Record<string, string> = {}) =>
  res.status(status).set(headers).type('html').send(body);
