// `npm run build:server`: the server as plain JavaScript in dist/server, so production runs it on
// Node alone (no tsx, no TypeScript, no dev dependencies). Packages stay external: they are the
// production dependencies `npm ci --omit=dev` installs, and some read their own files at run time.
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist/server');
rmSync(out, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: path.join(out, 'main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // For stack traces (bin/settle.mjs turns source maps on); never served: only web/dist is.
  sourcemap: 'linked',
  logLevel: 'warning',
});

// src/db/migrate.ts reads the SQL files next to itself; in the bundle, "itself" is dist/server/main.js.
const migrations = path.join(root, 'src/db/migrations');
mkdirSync(path.join(out, 'migrations'));
const files = readdirSync(migrations).filter((f) => f.endsWith('.sql'));
for (const f of files) cpSync(path.join(migrations, f), path.join(out, 'migrations', f));
console.log(`Built dist/server/main.js and ${files.length} migrations.`);
