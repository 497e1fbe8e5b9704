// Putting an adopted file in place of the server-edition file, which stays as the backup: one rename over the old
// name, made durable.
import fs from 'node:fs';
import path from 'node:path';
import { refuseExisting, syncFile } from '../db/backup';
import { syncDirectory } from '../db/backup-files';
import type { AppDatabase } from '../db/connection';
import { makePrivate, privateFolder } from '../db/private-files';

/**
 * Puts the built file in place of the server-edition file, which stays as the backup: a second name for the old file
 * (a hard link, or a copy where the file system has none), then one rename over the old name. `db`, the last
 * connection to the old file, is closed first, so its journal or WAL is gone and cannot be taken for the new file's.
 */
export function replaceKeepingBackup(db: AppDatabase, built: string, backupPath: string): void {
  db.close();
  let backedUp = false;
  try {
    // The last connection to close in WAL mode checkpoints and removes the WAL: one left means another is open.
    if (fs.existsSync(`${db.path}-wal`)) {
      throw new Error(`Another program has ${db.path} open (its -wal file is there); close it and start again. Nothing was changed.`);
    }
    refuseExisting(backupPath);
    privateFolder(path.dirname(backupPath));
    try {
      fs.linkSync(db.path, backupPath);
    } catch {
      fs.copyFileSync(db.path, backupPath, fs.constants.COPYFILE_EXCL);
      syncFile(backupPath);
    }
    // The server-edition file, now the backup (a second name shares its mode), becomes private too.
    makePrivate(backupPath);
    backedUp = true;
    fs.rmSync(`${db.path}-shm`, { force: true });
    fs.renameSync(built, db.path);
  } catch (error) {
    // The old file is still in its place: neither the new one nor a second name for the old one is kept.
    fs.rmSync(built, { force: true });
    if (backedUp) fs.rmSync(backupPath, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(db.path));
  syncDirectory(path.dirname(backupPath));
}
