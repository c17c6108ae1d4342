import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as a real SMTP server received it. */
export interface ReceivedMail {
  from: string | undefined;
  recipients: string[];
  raw: string;
}

export interface TestSmtpServer {
  server: SMTPServer;
  port: number;
  stop(): Promise<void>;
}

/** A real SMTP server on loopback (no TLS, no auth) that appends every message to `received`. */
export function startSmtpServer(received: ReceivedMail[], port = 0): Promise<TestSmtpServer> {
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          recipients: session.envelope.rcptTo.map((a) => a.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.server.address() as AddressInfo).port,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

/** Headers of a block (message or MIME part), folded lines joined, names lower-cased. */
export function headersOf(block: string): Map<string, string> {
  const head = block.split(/\r?\n\r?\n/)[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}
