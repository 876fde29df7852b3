import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.WEB_DEV_API ?? 'http://127.0.0.1:8080';

/**
 * The console: `npm run web:dev` (Vite on 5173, /api, /health and /web-config.json proxied to the API on
 * 8080), `npm run web:build` (to apps/web/dist, which apps/api serves at `/`), `npm run test:web` (Vitest).
 * No @vitejs/plugin-react: Vite's own transform handles TSX with the automatic runtime.
 */
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': api, '/health': api, '/web-config.json': api },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
