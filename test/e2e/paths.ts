// Where the e2e suites find the app and the browser, and where they leave screenshots.
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The built renderer the HTTP shell serves (electron-vite build). */
export const RENDERER_ROOT = path.join(REPO_ROOT, 'out', 'renderer');
/** Screens worth looking at after a run; under test-results/, so never committed. */
export const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');
/** Debian's Chromium: Playwright's own browser download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Chromium's switches for the e2e suites and the browser benches: no sandbox (root, containers), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
