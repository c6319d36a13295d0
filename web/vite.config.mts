/**
 * Vite: `npm run dev -w web` serves the app on :5173 and proxies /graphql and the evidence upload route to the API
 * (MEDTHREAT_API, default http://127.0.0.1:4000). `npm run build -w web` writes web/dist, which
 * the server serves on the same origin as /graphql. bench.html is the layout benchmark page.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.MEDTHREAT_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: api, changeOrigin: true },
      // the evidence upload route (POST /models/:id/imports/:format/:action); /models/:id/imports is the page
      '^/models/[^/]+/imports/[^/]+/(preview|commit)$': { target: api, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: { index: 'index.html', bench: 'bench.html' },
    },
  },
});
