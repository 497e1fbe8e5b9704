// @ts-check
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'url', 'util', 'stream', 'events'];

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
      // The layers (DESIGN.md §2): src-shared ← src-main, src-shared ← src-renderer, never across.
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src-renderer', from: './src-main', message: 'The renderer talks to main only through the IPC contract in src-shared.' },
            { target: './src-shared', from: './src-main', message: 'src-shared is pure TypeScript: it imports nothing from main.' },
            { target: './src-shared', from: './src-renderer', message: 'src-shared is pure TypeScript: it imports nothing from the renderer.' },
            { target: './src-main', from: './src-renderer', message: 'Main never imports renderer code.' },
          ],
        },
      ],
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
