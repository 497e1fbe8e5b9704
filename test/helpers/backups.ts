// The backups a test's database has: by the store's own list (kept backups), or every file in its backups/ folder.
import fs from 'node:fs';
import { listBackups } from '../../src-main/backups/store';
import { backupsFolderFor } from '../../src-main/db/paths';

/** The file names of the database's kept backups, by name. */
export function keptBackupNames(databasePath: string): string[] {
  return listBackups(databasePath)
    .map((backup) => backup.name)
    .sort();
}

/** Every file in the database's backups/ folder (backups, their records, pending ones), by name; [] before it exists. */
export function backupsFolderNames(databasePath: string): string[] {
  const folder = backupsFolderFor(databasePath);
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
}
