// The Electron side of `<app> --cli …` (the logic and its reasons are in cli-mode.ts): called from the entry before
// the single-instance lock and before anything waits for `ready`, it never opens a window.
import { spawnSync } from 'node:child_process';
import { app } from 'electron';
import { ExitCode } from '../cli/exit-codes';
import { processIo } from '../cli/io';
import { useNativeBinding } from '../db/connection';
import { configureLog } from '../log';
import { appCliCommand, headlessRelaunchArguments, runAppCli } from './cli-mode';
import { electronSqliteBinding, missingElectronSqlite } from './native-sqlite';

export function runCliInApp(cliArgv: readonly string[]): void {
  // The same log file as the window's, never the console: the command's output is the product.
  configureLog({ folder: app.getPath('logs'), console: false });
  const relaunch = headlessRelaunchArguments(process.argv, process.defaultApp, process.env, process.platform);
  if (relaunch) {
    // Linux with no display: the same command again on Chromium's headless platform, its output straight to ours.
    const run = spawnSync(process.execPath, relaunch, { stdio: 'inherit' });
    app.exit(run.status ?? ExitCode.failure);
    return;
  }
  // Nothing is drawn: no GPU process, and no Dock icon on macOS while the command runs.
  app.disableHardwareAcceleration();
  app.dock?.hide();
  const nativeBinding = electronSqliteBinding(app);
  useNativeBinding(nativeBinding); // every file the command opens (a backup it checks) loads Electron's SQLite build
  const appCli = {
    io: processIo(),
    // The window's own folder and addon, so `--cli info` names the database the window opens.
    host: {
      nativeBinding,
      userDataDir: app.getPath('userData'),
      command: appCliCommand(process.execPath, process.defaultApp, process.platform),
    },
    streams: [process.stdout, process.stderr],
    exit: (code: number) => app.exit(code),
  };
  void runAppCli(cliArgv, appCli, missingElectronSqlite(app));
}
