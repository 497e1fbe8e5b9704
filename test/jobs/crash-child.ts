// Run by recovery.test.ts in its own process: opens the database given as argv[2], starts the runner with a short
// heartbeat on the pending run there, and runs until the test kills it (SIGKILL: no stop, no cleanup runs).
import path from 'node:path';
import { openAppDatabase } from '../../src-main/startup';
import { createRunner } from '../../src-main/jobs/runner';

void openAppDatabase(process.argv[2]!, { migrationsFolder: path.resolve(__dirname, '../../drizzle') }).then(({ db }) => {
  const runner = createRunner(db, { heartbeatMs: 50, onRunChanged: () => {} });
  runner.start();
  // The heartbeat timer does not hold the process open; the handler's own timer does, until the kill.
});
