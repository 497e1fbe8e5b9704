// The Electron process loads its own build of SQLite (node_modules holds Node's). The shell names it once for its
// thread (useNativeBinding), and every file opened there loads it: the database, and a backup opened deep in a domain
// (checked, recorded, restored), where no caller passes the addon down.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyBackup } from '../../src-main/backups/store';
import { DatabaseOpenError, nativeBindingFor, openDatabaseFile, useNativeBinding } from '../../src-main/db/connection';
import { readBackupFacts } from '../../src-main/db/backup-record';
import { tempDir } from '../helpers/temp';

const require = createRequire(import.meta.url);
const nodeAddon = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

afterEach(() => useNativeBinding(undefined));

function databaseFile(): string {
  const file = path.join(tempDir('native-binding-'), 'copy.db');
  const db = openDatabaseFile(file);
  db.sqlite.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
  db.close();
  return file;
}

describe("a thread's SQLite addon", () => {
  it('is the one every connection of the thread loads unless given another', () => {
    const file = databaseFile();
    const missing = path.join(path.dirname(file), 'electron', 'better_sqlite3.node');
    useNativeBinding(missing);
    expect(nativeBindingFor()).toBe(missing);
    expect(() => openDatabaseFile(file)).toThrow(DatabaseOpenError);
    // A backup opened deep in a domain loads it too: a check and the record's facts fail on the missing addon.
    expect(() => readBackupFacts(file)).toThrow(/better_sqlite3\.node/);
    const checked = verifyBackup(file);
    expect(checked.ok).toBe(false);
    expect(checked.problems.join(' ')).toContain(missing);
    // A connection given its addon keeps it.
    expect(fs.existsSync(nodeAddon)).toBe(true);
    openDatabaseFile(file, { nativeBinding: nodeAddon }).close();
  });

  it('is node_modules’ build until a shell names another', () => {
    const file = databaseFile();
    expect(nativeBindingFor()).toBeUndefined();
    openDatabaseFile(file).close();
    expect(readBackupFacts(file).counts).toBeNull();
  });
});
