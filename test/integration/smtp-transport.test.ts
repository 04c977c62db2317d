// The SMTP transport of the outbox sender (nodemailer), against a small SMTP server on loopback: a message goes out
// with the outbox id as its Message-ID and is marked sent; a refused recipient leaves it unsent with the reason.
import net from 'node:net';
import { type AddressInfo } from 'node:net';
import { z } from 'zod';
import { createMailActivities } from '../../activities/mail';
import { insertAccount } from '../../db/accounts';
import { queueEmail } from '../../db/outbox';
import { sql } from '../../db/pool';
import { createLogger } from '../../lib/logger';
import { createProviderClients } from '../../lib/providers';
import { testConfig } from '../helpers/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** Just enough SMTP (RFC 5321) for one client: EHLO, MAIL, RCPT, DATA, QUIT. Refuses recipients at `refuse`. */
async function startSmtpServer(
  refuse: string,
): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let current: Received = { from: '', to: [], data: '' };
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        switch (verb) {
          case 'EHLO':
          case 'HELO':
            reply('250 test');
            break;
          case 'MAIL':
            current.from = address;
            reply('250 ok');
            break;
          case 'RCPT':
            if (address === refuse) {
              reply('550 no such user');
            } else {
              current.to.push(address);
              reply('250 ok');
            }
            break;
          case 'DATA':
            inData = true;
            reply('354 go ahead');
            break;
          case 'RSET':
            current = { from: '', to: [], data: '' };
            reply('250 ok');
            break;
          case 'QUIT':
            reply('221 bye');
            socket.end();
            break;
          default:
            reply('502 not implemented');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('SMTP transport', () => {
  it('sends the outbox by SMTP, once, and keeps a refused message for a later round', async () => {
    const smtp = await startSmtpServer('nobody@example.com');
    try {
      const { config, keyRing } = testConfig({
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'dropday <mail@dropday.test>',
      });
      const mail = createMailActivities({
        config,
        keyRing,
        pool: db.pool,
        logger: createLogger({ level: 'silent' }),
        providers: createProviderClients(config),
      });
      const ok = await db.pool.transaction((tx) =>
        insertAccount(tx, { name: 'Smtp Label', email: 'smtp-label@example.com' }),
      );
      const refused = await db.pool.transaction((tx) =>
        insertAccount(tx, { name: 'Gone', email: 'nobody@example.com' }),
      );
      const okId = await queueEmail(db.pool, {
        accountId: ok.id,
        template: 'welcome',
        data: { accountName: 'Smtp Label' },
        dedupeKey: 'smtp:ok',
      });
      await queueEmail(db.pool, { accountId: refused.id, template: 'welcome', data: {}, dedupeKey: 'smtp:refused' });

      expect(await mail.deliverOutbox({ limit: 10 })).toEqual({ sent: 1, failed: 1, dropped: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({ from: 'mail@dropday.test', to: ['smtp-label@example.com'] });
      expect(smtp.received[0].data).toMatch(/^Subject: Welcome to dropday$/m);
      expect(smtp.received[0].data).toContain(`Message-ID: <${okId}@dropday>`);
      expect(smtp.received[0].data).toContain('Smtp Label');

      const rows = await db.pool.any(sql.type(
        z.object({ key: z.string(), sent: z.boolean(), attempts: z.number(), lastError: z.string().nullable() }),
      )`
        SELECT dedupe_key AS key, sent_at IS NOT NULL AS sent, attempts, last_error AS "lastError" FROM outbox_emails ORDER BY dedupe_key`);
      expect(rows).toEqual([
        { key: 'smtp:ok', sent: true, attempts: 1, lastError: null },
        { key: 'smtp:refused', sent: false, attempts: 1, lastError: expect.stringContaining('550') },
      ]);
      // Nothing goes to the sandbox mailbox when SMTP is configured, and a second round sends nothing new.
      expect(
        await db.pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`SELECT count(*) AS n FROM sandbox_mailbox`),
      ).toBe(0);
      await mail.deliverOutbox({ limit: 10 });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
