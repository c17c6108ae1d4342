import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a test receiver got, as it arrived. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** When it arrived (performance.now()). */
  at: number;
}

/** How a test receiver answers: healthy (204), fails (500), redirects (302), hangs, is gone (410), or drops the connection. */
export type ReceiverBehavior = 'ok' | 'fail' | 'redirect' | 'hang' | 'gone' | 'drop';

export interface TestReceiver {
  url: string;
  received: ReceivedWebhook[];
  behavior: ReceiverBehavior;
  /** The `webhook-id`s received, each once (what a receiver that dedupes processes). */
  uniqueIds(): string[];
  /** Verifies every request received with the standardwebhooks package under `secret`. */
  verifyAll(secret: string): unknown[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 (a random port), recording what it gets and answering as `behavior` says. */
export async function startReceiver(behavior: ReceiverBehavior = 'ok'): Promise<TestReceiver> {
  const received: ReceivedWebhook[] = [];
  const sockets = new Set<Socket>();
  const state = { behavior };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      });
      switch (state.behavior) {
        case 'ok':
          res.writeHead(204).end();
          return;
        case 'fail':
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`internal error ${'x'.repeat(4000)}`);
          return;
        case 'redirect':
          res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end();
          return;
        case 'gone':
          res.writeHead(410).end('gone');
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'hang':
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    get behavior() {
      return state.behavior;
    },
    set behavior(value: ReceiverBehavior) {
      state.behavior = value;
    },
    uniqueIds: () => [...new Set(received.map((r) => r.id))],
    verifyAll(secret) {
      const webhook = new Webhook(secret);
      return received.map((r) =>
        webhook.verify(r.body, {
          'webhook-id': r.id,
          'webhook-timestamp': r.timestamp,
          'webhook-signature': r.signature,
        }),
      );
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
