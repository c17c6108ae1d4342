import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [react()],
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
    sourcemap: true,
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
