// The CLI as a Node program: `npm run cli -- <command> [flags]`, or the built out/main/cli.js (package.json's bin).
// The CLI itself is cli/run.ts; the installed app runs the same through `<app> --cli …` (electron/cli-mode.ts).
import { defaultUserDataDir, logsFolderFor } from '../db/paths';
import { configureLog } from '../log';
import { processIo } from './io';
import { main } from './run';

export { main };

// Runs only as a program (tsx, or the built out/main/cli.js), never when a test imports this module.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  // Into the desktop app's log folder, never onto the console: the command's output is the product.
  configureLog({ folder: logsFolderFor(defaultUserDataDir()), console: false });
  void main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
