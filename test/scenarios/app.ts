// The handle every shared scenario gets: no URL, no HTTP. Each launcher (test/e2e: the HTTP shell in this
// worker and Chromium; test/electron: the built app through Playwright's _electron) implements it.
import { type Page } from '@playwright/test';
import { type AppDatabase } from '../../src-main/db/connection';
import { type ExpectedFailures } from '../e2e/failures';

export interface ScenarioDataDir {
  dir: string;
  /** Does not exist until a scenario builds it (or the app creates it). */
  dbPath: string;
}

export interface LaunchedApp {
  /** The app's window, already showing the app (the page the shell served, or Electron's first window). */
  page: Page;
  /**
   * A connection to the app's database file, for reading what the UI wrote and for changing data behind its
   * back: the app's own in-process, a second one where the app is another process. Opened on first use, so
   * a scenario that must leave the file untouched simply never reads it. Throws when the app did not open it.
   */
  readonly db: AppDatabase;
  /** What startup decided, where the launcher can see it (in-process only); undefined where it cannot. */
  readonly startupState: 'ready' | 'failed' | undefined;
  /** test-results/screenshots/<launcher prefix><name>.png */
  screenshot(name: string): Promise<void>;
}

export interface AppLauncher {
  dataDir: ScenarioDataDir;
  /** The failures a scenario provokes on purpose (main refusing a change): declared, they do not fail it. */
  failures: ExpectedFailures;
  /** Starts the app on whatever the scenario put at dataDir.dbPath (or nothing: a new database); stopped after the test. */
  launch(): Promise<LaunchedApp>;
}
