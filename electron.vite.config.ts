// Three builds (electron-vite): main (the Electron shell, the CLI, the HTTP shell's entry and the read workers' thread), the
// sandboxed preload, and the renderer. Output: out/main, out/preload, out/renderer.
import fs from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { type Plugin } from 'vite';
import { DEV_CONTENT_SECURITY_POLICY } from './src-main/security';

const CLI_ENTRY = 'cli';

/** package.json's bin: a shebang on the CLI chunk only, and the executable bit. */
function cliExecutable(): Plugin {
  return {
    name: 'automation-console:cli-executable',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry && chunk.name === CLI_ENTRY && options.dir) {
          fs.chmodSync(resolve(options.dir, chunk.fileName), 0o755);
        }
      }
    },
  };
}

export default defineConfig({
  main: {
    plugins: [cliExecutable()],
    build: {
      // Only package.json's `dependencies` stay in node_modules (electron-vite's default): better-sqlite3 alone, which is
      // native. Everything else the main code imports (zod, drizzle-orm, croner, electron-log) is a devDependency and
      // bundled, tree-shaken: each thread that starts (the main one, every read worker's) loads one file instead of
      // resolving and reading each of their modules, in about half the time (docs/performance.md, "The cold window"),
      // and the package ships none of them.
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          [CLI_ENTRY]: resolve(__dirname, 'src-main/cli/main.ts'),
          serve: resolve(__dirname, 'src-main/http/serve.ts'),
          // The read workers' thread (src-main/reads/pool.ts starts it from beside the bundle).
          'read-worker': resolve(__dirname, 'src-main/reads/worker.ts'),
        },
        output: {
          banner: (chunk) => (chunk.isEntry && chunk.name === CLI_ENTRY ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': everything else is bundled into one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    // `npm run dev`: the page's content security policy is a header here too (the built app's is sent by app:// and
    // the HTTP shell), with what the dev server needs besides: React refresh's inline preamble and the HMR socket.
    server: { headers: { 'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY } },
    build: {
      // Minified: a third of the size to read and parse when the window opens.
      minify: true,
      rolldownOptions: {
        input: resolve(__dirname, 'src-renderer/index.html'),
        // Libraries in chunks of their own (each under Vite's 500 kB warning), cached apart from the app's code;
        // the Admin and Orphans views are chunks of their own too (React.lazy in AppShellView).
        output: {
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
              { name: 'mantine', test: /node_modules[\\/]@mantine[\\/]/, priority: 20 },
              { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 20 },
              { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
            ],
          },
        },
      },
    },
  },
});
