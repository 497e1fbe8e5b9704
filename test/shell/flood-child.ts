// Run by http-limits.test.ts in its own process, under a low `ulimit -n`: the real core and HTTP shell on the database
// given as argv[2], with at most argv[3] connections. Prints one JSON line (port, token, a system admin's session),
// then, for each line "files" on stdin, makes a backup and writes an export and prints how each went and the
// descriptors open, as the app's own file operations would during a flood of idle sockets.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createAppCore } from '../../src-main/app-core';
import { backupDatabase } from '../../src-main/db/backup';
import { writeCsvAtomically } from '../../src-main/exports/csv-files';
import { startHttpShell } from '../../src-main/http/server';
import { insertUser } from '../helpers/contract-data';

const [file, maxConnections] = [process.argv[2]!, Number(process.argv[3])];

async function main(): Promise<void> {
  const core = createAppCore({ argv: ['--db', file], env: {}, migrationsFolder: path.resolve(__dirname, '../../drizzle'), engine: { start: false } });
  const started = await core.started;
  if (started.state !== 'ready') throw new Error(started.failure.message);
  const { db } = started;
  const session = core.sessions.begin(insertUser(db, { role: 'system_admin', businessId: null }).id, null).id;
  const root = fs.mkdtempSync(path.join(path.dirname(file), 'renderer-'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  // The idle sockets stay until the test ends: on a busy machine the flood test looks for longer than the app's
  // 10 s headers timeout, which would close them all and leave it nothing to count.
  const shell = await startHttpShell({ core, staticRoot: root, limits: { maxConnections, headersTimeoutMs: 120_000, requestTimeoutMs: 120_000 } });
  console.log(JSON.stringify({ port: shell.port, token: shell.token, session }));
  let n = 0;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line !== 'files') continue;
    n++;
    const outcome = async (work: () => unknown) => {
      try {
        await work();
        return 'ok';
      } catch (error) {
        return (error as Error).message;
      }
    };
    // An online backup beside the file: what every backup maker does first, without the store's naming and record.
    const backup = await outcome(() => backupDatabase(db.sqlite, path.join(path.dirname(file), `flood-${n}.backup`)));
    const csv = await outcome(() => writeCsvAtomically(path.join(path.dirname(file), 'exports'), `flood-${n}`, Buffer.from('a,b\r\n'), 1));
    const descriptors = openDescriptors();
    console.log(JSON.stringify({ backup, csv, descriptors, openConnections: shell.openConnections }));
  }
}

/** How many descriptors this process has open, or why they cannot be counted (none left to read the list). */
function openDescriptors(): number | string {
  try {
    return fs.readdirSync('/proc/self/fd').length;
  } catch (error) {
    return (error as Error).message;
  }
}

void main();
