#!/usr/bin/env node
// `npx settle …`. In production it runs the built server (dist/server/main.js from `npm run build`)
// on Node alone, with production dependencies only. In development it runs the TypeScript sources
// through tsx (a dev dependency), so there is no build step and nothing stale; without tsx (an
// install with --omit=dev) it runs the build.
import { existsSync } from 'node:fs';

const built = new URL('../dist/server/main.js', import.meta.url);

async function runBuilt() {
  process.setSourceMapsEnabled(true);
  await import(built.href);
}

if (process.env.NODE_ENV === 'production') {
  if (!existsSync(built)) {
    console.error(
      'settle: dist/server/main.js is missing. Production runs the built server: run `npm run build` ' +
        '(with dev dependencies installed) before `npm ci --omit=dev`, or ship the dist/ folder.',
    );
    process.exit(1);
  }
  await runBuilt();
} else {
  let tsx = null;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // Dev dependencies are not installed.
  }
  if (tsx) {
    tsx.register();
    await import('../src/main.ts');
  } else if (existsSync(built)) {
    await runBuilt();
  } else {
    console.error('settle: run `npm install` (development) or `npm run build` (production) first.');
    process.exit(1);
  }
}
