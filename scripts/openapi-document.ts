// `npm run api:lint` / `npm run api:client`: writes the OpenAPI document the app serves at
// /api/v1/openapi.json to a file, without listening or touching a real database. The app is built
// on a throwaway in-memory database (nothing is queried: the document comes from the route schemas)
// for the shipped example organization, so the file is the same on every machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openRuntime } from '../src/runtime';

const out = path.resolve(process.argv[2] ?? 'test/api-client/openapi.json');
const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: 'memory://' });
const runtime = await openRuntime(config, { migrate: false });
try {
  const app = await buildApp(runtime.deps, { webDist: '/nonexistent' });
  await app.ready();
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(app.swagger(), null, 2)}\n`);
  await app.close();
  console.log(`Wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await runtime.close();
}
