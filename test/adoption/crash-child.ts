// Run by safety.test.ts in its own process: starts adopting the file given as argv[2] and kills itself
// (SIGKILL: no cleanup, no rollback code runs) once some runs have been copied.
import path from 'node:path';
import { openAppDatabase } from '../../src-main/startup';

void openAppDatabase(process.argv[2]!, {
  migrationsFolder: path.resolve(__dirname, '../../drizzle'),
  onProgress: (p) => {
    if (p.phase === 'Copying runs' && p.done > 0) process.kill(process.pid, 'SIGKILL');
  },
});
