import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));
/** `npm run dev`-style work against a running Roster: `npx vite --config console/vite.config.ts`. */
const rosterUrl = process.env.ROSTER_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: consoleRoot,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      // Roster refuses state-changing requests from a foreign Origin, so the dev proxy presents Roster's own.
      '/api': { target: rosterUrl, changeOrigin: true, headers: { origin: rosterUrl } },
      '/files': { target: rosterUrl, changeOrigin: true },
    },
  },
});
