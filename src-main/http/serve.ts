// Entry of the HTTP shell (`npm run serve`, and `npm start` where Electron's binary is missing).
import { createAppCore, type AppCore } from '../app-core';
import { type TaskProgress } from '../../src-shared/progress';
import { findRendererRoot, portFlag, startHttpShell } from './server';

async function main(): Promise<void> {
  let core: AppCore;
  let port: number | undefined;
  try {
    port = portFlag(process.argv);
    core = createAppCore({ onProgress: printProgress() });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const staticRoot = findRendererRoot();
  if (!staticRoot) {
    console.error('The renderer is not built (no out/renderer/index.html). Run `npm run build`, or use `npm run serve`.');
    process.exit(1);
  }

  console.log(`Database: ${core.database.path} (${describeSource(core.database.source)})`);
  const startup = await core.started;
  if (startup.state === 'failed') {
    const { reason, message, backupPath } = startup.failure;
    console.error(`The database could not be opened (${reason}): ${message}`);
    if (backupPath) console.error(`A backup made before the failed step: ${backupPath}`);
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
