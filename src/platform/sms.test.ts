import type { RequestClient } from 'twilio';
import { describe, expect, it } from 'vitest';
import { createTwilioSender } from './sms';

interface Sent {
  method: string;
  uri: string;
  username: string;
  data: Record<string, string>;
}

function recordingClient(sent: Sent[]): RequestClient {
  return {
    request: async (opts: Sent) => {
      sent.push(opts);
      return {
        statusCode: 201,
        body: JSON.stringify({ sid: `SM${sent.length}`, status: 'queued' }),
        headers: {},
      };
    },
  } as unknown as RequestClient;
}

const accountSid = `AC${'1'.repeat(32)}`;

describe('Twilio text sender', () => {
  it('posts the text to the Messages API from the configured number and returns its SID', async () => {
    const sent: Sent[] = [];
    const sender = createTwilioSender({
      accountSid,
      authToken: 'token',
      from: '+15105550100',
      httpClient: recordingClient(sent),
    });
    const result = await sender.send({ to: '+15105550123', body: 'Your code is 123456' });
    expect(result).toEqual({ messageId: 'SM1' });
    expect(sent[0]).toMatchObject({
      method: 'post',
      uri: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Messages.json`,
      username: accountSid,
      data: { To: '+15105550123', From: '+15105550100', Body: 'Your code is 123456' },
    });
  });

  it('sends through a Messaging Service when given its SID', async () => {
    const sent: Sent[] = [];
    const sender = createTwilioSender({
      accountSid,
      authToken: 'token',
      from: `MG${'2'.repeat(32)}`,
      httpClient: recordingClient(sent),
    });
    await sender.send({ to: '+15105550123', body: 'hi' });
    expect(sent[0]?.data).toEqual({
      To: '+15105550123',
      MessagingServiceSid: `MG${'2'.repeat(32)}`,
      Body: 'hi',
    });
  });
});
