// Run by leftover-backups.test.ts in its own process, killed by SIGKILL (no cleanup, no rollback code runs) at the
// moment argv[3] names, on the database given as argv[2]:
// - `delete-orphans`: inside delete-orphans' transaction, once its backup is made and before anything is deleted;
// - `migrate` (argv[4]: the migrations folder): once the backup before migrating is made, before the migrations run.
import path from 'node:path';
import { CLI_ACTOR } from '../../src-main/cli/confirm-change';
import { openAppDatabase } from '../../src-main/startup';
import { deleteOrphans } from '../../src-main/orphans/orphans';

const [file, moment, migrations] = [process.argv[2]!, process.argv[3]!, process.argv[4]];
const kill = () => process.kill(process.pid, 'SIGKILL');

async function main(): Promise<void> {
  if (moment === 'migrate') {
    await openAppDatabase(file, { migrationsFolder: migrations!, onProgress: (p) => p.phase === 'Migrating' && kill() });
    return;
  }
  const { db } = await openAppDatabase(file, { migrationsFolder: path.resolve(__dirname, '../../drizzle') });
  const expectedCount = Number(db.sqlite.prepare("SELECT count(*) FROM job_runs WHERE business_id IS NULL AND scope = 'business'").pluck().get());
  await deleteOrphans(db, { kind: 'all' }, { actor: CLI_ACTOR, expectedCount, onProgress: (p) => p.phase === 'Deleting orphans' && kill() });
}

void main();
