import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = 'http://127.0.0.1:3000';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text files worth compressing; images are already compressed and maps are never sent to browsers. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|webmanifest)$/;
/** Below this a compressed copy saves less than the headers it costs. */
const MIN_BYTES = 1024;

/**
 * Writes `name.br` (brotli, best quality) and `name.gz` (gzip level 9) beside every text file the
 * build emits, so the server sends them as they are (@fastify/static `preCompressed`) instead of
 * compressing on each request or not at all. A copy is kept only when it is smaller.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'settle:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => COMPRESSIBLE.test(name));
      await Promise.all(
        files.map(async (name) => {
          const file = path.join(outDir, name);
          const source = await readFile(file);
          if (source.length < MIN_BYTES) return;
          const [br, gzipped] = await Promise.all([
            brotli(source, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
                [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
              },
            }),
            gz(source, { level: 9 }),
          ]);
          if (br.length < source.length) await writeFile(`${file}.br`, br);
          if (gzipped.length < source.length) await writeFile(`${file}.gz`, gzipped);
        }),
      );
    },
  };
}

/**
 * Preloads the English core texts (i18n/parts.ts) beside the entry script. The first render waits for
 * its language's core texts, which the entry would otherwise only ask for once it has run: one more
 * round trip before anything shows on a slow phone. English is the default; a Spanish reader still
 * gets the Spanish chunk (and the English one, about 3 KB compressed, comes along unused). An area's
 * texts load with the area, not here.
 */
function preloadDefaultLanguage(): Plugin {
  return {
    name: 'settle:preload-default-language',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find(
          (c) => c.type === 'chunk' && (c.facadeModuleId ?? '').endsWith('/src/i18n/en/core.ts'),
        );
        if (!chunk) throw new Error('settle:preload-default-language: no chunk for src/i18n/en/core.ts');
        return [
          {
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` },
            injectTo: 'head',
          },
        ];
      },
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), preloadDefaultLanguage(), precompress()],
  // The same two aliases as tsconfig.json `paths`: the API contract (types only) and src/domain.
  resolve: {
    alias: {
      '@contract': fileURLToPath(new URL('../src/modules', import.meta.url)),
      '@domain': fileURLToPath(new URL('../src/domain', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Maps are written for debugging but no file points to them; the server does not publish them.
    sourcemap: 'hidden',
    rolldownOptions: {
      output: {
        // A language's texts are named for it (texts-es-member-…js), not only for the part, which
        // would read like the area's code chunk of the same name.
        chunkFileNames: (chunk) => {
          const texts = /\/src\/i18n\/(en|es)\/([a-z-]+)\.ts$/.exec(chunk.facadeModuleId ?? '');
          return texts ? `assets/texts-${texts[1]}-${texts[2]}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
    },
  },
  server: {
    // The web imports pure helpers from ../src/domain at runtime.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': backend,
      '/sandbox': backend,
      '/dev': backend,
    },
  },
  preview: {
    proxy: {
      '/api': backend,
      '/sandbox': backend,
      '/dev': backend,
    },
  },
});
