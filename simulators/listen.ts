// Serves a simulator's app on a loopback port (0 = any free one); close() also drops keep-alive sockets.
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Express } from 'express';

export async function listenOnLoopback(app: Express, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
