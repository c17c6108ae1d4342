import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../test/app';
import { openTestDb } from '../test/db';
import { buildApp } from './app';
import { createLogger } from './platform/logger';
import { openRuntime, type Runtime } from './runtime';

// A built web app as `vite build` leaves it: hashed assets with .br and .gz copies beside them.
const script = `console.log(${JSON.stringify('pay your bill '.repeat(200))});`;
const page = '<!doctype html><html lang="en"><head><title>Pay your bill</title></head><body></body></html>';

let dist: string;
let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'settle-web-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), page);
  const asset = path.join(dist, 'assets', 'index-AbC123.js');
  await writeFile(asset, script);
  await writeFile(`${asset}.br`, brotliCompressSync(script));
  await writeFile(`${asset}.gz`, gzipSync(script));
  runtime = await openRuntime(testConfig(), {
    handle: await openTestDb(),
    migrate: false,
    logger: createLogger('warn'),
  });
  app = await buildApp(runtime.deps, { webDist: dist });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await runtime.close();
  await rm(dist, { recursive: true, force: true });
});

describe('the built web app', () => {
  it('sends a hashed asset precompressed in the encoding the browser prefers, cached as immutable', async () => {
    const br = await app.inject({
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.rawPayload.equals(brotliCompressSync(script))).toBe(true);

    const gz = await app.inject({ url: '/assets/index-AbC123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.equals(gzipSync(script))).toBe(true);

    const plain = await app.inject({
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
  });

  it('answers every page path with index.html, revalidated on each visit', async () => {
    for (const url of ['/', '/pay/region', '/sign-in', '/index.html']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'gzip, br' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(page);
    }
  });

  it('still answers a missing asset with a problem, not the page', async () => {
    const res = await app.inject({ url: '/assets/index-Gone99.js' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
