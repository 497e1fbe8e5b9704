// @ts-check
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'url', 'util', 'stream', 'events'];

/**
 * The floors inside src-main, lowest first (docs/architecture.md): a file may import from its own floor and those below,
 * never from a floor above. `jobs/catalog.ts`, the job types as data, sits on the lowest floor; the rest of jobs/ (the
 * handlers, which use services, and the runner) above the services.
 */
const MAIN_FLOORS = [
  // tenancy/: the owner key and every tenant scope in SQL (the tenant chokepoint), used by db/rollups as much as by the domains.
  // renderer-files.ts: the built renderer's files, which both shells serve. log.ts (and redact.ts, what it cuts out of
  // every line): every floor logs.
  ['./src-main/db', './src-main/tenancy', './src-main/access', './src-main/jobs/catalog.ts', './src-main/security.ts', './src-main/renderer-files.ts', './src-main/log.ts', './src-main/redact.ts'],
  // The domains: a run's lifecycle, the history, the statistics, bulk actions, orphans, schedules' rules, the audit log,
  // usage, accounts, backups, saved views; and what they share (services/: page cursors, the database facts; exports/:
  // the CSV files and the exports folder).
  [
    './src-main/services',
    './src-main/exports',
    './src-main/lifecycle',
    './src-main/history',
    './src-main/stats',
    './src-main/bulk',
    './src-main/orphans',
    './src-main/schedules',
    './src-main/audit',
    './src-main/usage',
    './src-main/accounts',
    './src-main/backups',
    './src-main/views',
  ],
  // reads/: the reads that run on worker threads (the domains' functions, served off the main thread).
  ['./src-main/jobs', './src-main/adoption', './src-main/reads'],
  ['./src-main/sessions.ts', './src-main/startup.ts'],
  ['./src-main/ipc', './src-main/cli'],
  ['./src-main/app-core.ts', './src-main/app-restore.ts'],
  ['./src-main/http', './src-main/electron'],
];
const mainFloorZones = MAIN_FLOORS.flatMap((floor, level) =>
  floor.flatMap((target) =>
    MAIN_FLOORS.slice(level + 1)
      .flat()
      .map((from) => ({
        target,
        from,
        // The catalog lives in jobs/ but on the lowest floor: every floor may read it.
        ...(from === './src-main/jobs' ? { except: ['./catalog.ts'] } : {}),
        message: `${target.slice(2)} is on a lower floor of src-main than ${from.slice(2)}: it may not import it (eslint.config.mjs MAIN_FLOORS).`,
      })),
  ),
);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**', 'bench/.scratch/**', 'bench/.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The layers (docs/architecture.md): src-shared ← src-main, src-shared ← src-renderer, never across; inside src-main, its floors.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src-renderer', from: './src-main', message: 'The renderer talks to main only through the IPC contract in src-shared.' },
            { target: './src-shared', from: './src-main', message: 'src-shared is pure TypeScript: it imports nothing from main.' },
            { target: './src-shared', from: './src-renderer', message: 'src-shared is pure TypeScript: it imports nothing from the renderer.' },
            { target: './src-main', from: './src-renderer', message: 'Main never imports renderer code.' },
            ...mainFloorZones,
          ],
        },
      ],
    },
  },
  {
    // A file a newcomer can read in one sitting, a function they can hold in mind (docs/architecture.md, "Sizes"). A longer
    // function says why at its top, beside an eslint-disable-next-line for this rule.
    files: ['src-main/**', 'src-shared/**', 'src-renderer/**'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom', 'better-sqlite3', 'drizzle-orm'].map((name) => ({
            name,
            message: 'src-shared imports nothing from node, electron, react or the database.',
          })),
          patterns: [
            { group: [...nodeBuiltins, 'react/*', 'react-dom/*', 'drizzle-orm/*'], message: 'src-shared imports nothing from node, electron, react or the database.' },
          ],
        },
      ],
    },
  },
  {
    // The rollup tables are read only through countedRollups, which counts them first when a bulk load left them uncounted.
    files: ['src-main/**'],
    ignores: ['src-main/db/rollups.ts', 'src-main/db/schema.ts', 'src-main/db/connection.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/schema'],
              importNames: ['jobRunCounts', 'jobRunDaily', 'jobRunDailyHistograms', 'jobRunWeeklyHistograms', 'jobRunPending'],
              message: 'Read the rollups through countedRollups (src-main/db/rollups.ts): it counts them first when a bulk load left them uncounted.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'better-sqlite3', 'drizzle-orm'].map((name) => ({ name, message: 'The renderer has no node, electron or database access.' })),
          patterns: [{ group: nodeBuiltins, message: 'The renderer has no node access.' }],
        },
      ],
    },
  },
);
