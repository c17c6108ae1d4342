import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

const key = 'sk_live_3fz7q2mdk5hxw4ra_ap35g7tcf3rbi5ruxed7ttrurz64wpsgrfy47uq75wtkb64wjduq';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('log redaction', () => {
  it('censors an Authorization header however a log line carries it', () => {
    const { logger, lines } = capture();
    const authorization = `Bearer ${key}`;
    logger.info({ req: { headers: { authorization } } }, 'request');
    logger.info({ headers: { authorization } }, 'headers');
    logger.info({ request: { headers: { authorization } } }, 'nested');
    logger.info({ authorization }, 'bare');
    logger.info({ call: { authorization } }, 'one level down');
    logger.info({ secret: key, created: { secret: key } }, 'a secret field');
    const text = lines.join('');
    expect(lines).toHaveLength(6);
    expect(text).not.toContain(key);
    expect(text).not.toContain('ap35g7tcf3rbi5ru');
    // The request serializer keeps no headers at all; every other line shows where the value was.
    for (const line of lines.slice(1)) expect(line).toContain('"[redacted]"');
  });
});
