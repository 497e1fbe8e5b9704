// Entry of the HTTP shell (`npm run serve`, and `npm start` where Electron's binary is missing).
// What it prints is for the operator at its terminal; log.* lines go to that terminal and to the log file as well.
import { createAppCore, type AppCore } from '../app-core';
import { type TaskProgress } from '../../src-shared/progress';
import { defaultUserDataDir, logsFolderFor } from '../db/paths';
import { configureLog, log, logUnhandledErrors } from '../log';
import { findRendererRoot, portFlag, startHttpShell } from './server';

async function main(): Promise<void> {
  const logFile = configureLog({ folder: logsFolderFor(defaultUserDataDir()) });
  logUnhandledErrors();
  let core: AppCore;
  let port: number | undefined;
  try {
    port = portFlag(process.argv);
    core = createAppCore({ onProgress: printProgress() });
  } catch (error) {
    log.error((error as Error).message);
    process.exit(2);
  }
  const staticRoot = findRendererRoot();
  if (!staticRoot) {
    log.error('The renderer is not built (no out/renderer/index.html). Run `npm run build`, or use `npm run serve`.');
    process.exit(1);
  }
  if (logFile) console.log(`Log: ${logFile}`);

  console.log(`Database: ${core.database.path} (${describeSource(core.database.source)})`);
  const startup = await core.started;
  if (startup.state === 'failed') {
    // What failed, and the backup, are logged (app-core.ts), so on this terminal too.
    console.error('The app shows this error screen; nothing else is served.');
  }

  const shell = await startHttpShell({ core, staticRoot, port, launchCommand: process.env.AUTOMATION_LAUNCH_COMMAND });
  console.log(`Automation Console is running at ${shell.pageUrl}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    await shell.close();
    await core.close();
    console.log(`${signal}: stopped, database closed.`);
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));
}

function describeSource(source: AppCore['database']['source']): string {
  if (source === 'flag') return 'from --db';
  if (source === 'env') return 'from AUTOMATION_DB';
  return 'the default; choose another with --db PATH';
}

/** One line per phase and one when it is done: a backup reports every page, which is too many lines. */
function printProgress(): (progress: TaskProgress) => void {
  let phase = '';
  return (progress) => {
    if (progress.phase !== phase || progress.done === progress.total) {
      phase = progress.phase;
      console.log(`${progress.phase}: ${progress.done}/${progress.total}`);
    }
  };
}

void main();
