/** Sending text messages (SMS). Twilio when configured; otherwise texts wait in the outbox (/dev/texts). */

export interface TextMessage {
  /** E.164, e.g. +15105550123. */
  to: string;
  body: string;
}

export interface TextSender {
  send(message: TextMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export interface CreateTwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio phone number in E.164, or a Messaging Service SID (MG…), which handles STOP/HELP itself. */
  from: string;
  /** Twilio's HTTP client seam; tests pass one that records requests instead of calling Twilio. */
  httpClient?: import('twilio').RequestClient;
}

/**
 * Texts through Twilio's Messages API. The client is loaded on first use, so a deployment that does
 * not text never loads it.
 */
export function createTwilioSender(options: CreateTwilioSenderOptions): TextSender {
  type Client = ReturnType<typeof import('twilio')>;
  let client: Promise<Client> | null = null;
  const connect = (): Promise<Client> => {
    client ??= import('twilio').then((m) =>
      m.default(options.accountSid, options.authToken, {
        ...(options.httpClient ? { httpClient: options.httpClient } : {}),
      }),
    );
    return client;
  };
  const sender = options.from.startsWith('MG')
    ? { messagingServiceSid: options.from }
    : { from: options.from };
  return {
    async send(message) {
      const twilio = await connect();
      const sent = await twilio.messages.create({ to: message.to, body: message.body, ...sender });
      return { messageId: sent.sid };
    },
    async close() {},
  };
}
