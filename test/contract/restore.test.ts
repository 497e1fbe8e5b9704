// Restoring a backup in the running app, through the contract over both transports: only a system admin may preview
// or restore; the preview says what the backup holds against the live file; the restore puts the backup in place
// without a restart, ends every session, and the app answers again from the restored file. Calls made while it runs
// wait for it, and are answered by the restored file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKUP_RESTORED } from '../../src-main/backups/restore';
import { backupDatabase } from '../../src-main/db/backup';
import { backupPathFor } from '../../src-main/db/backup-files';
import { openDatabaseFile } from '../../src-main/db/connection';
import { openAppDatabase } from '../../src-main/startup';
import { migrationsFolder } from '../helpers/migrations';
import { type Harness, signedInClient, startHarness, TRANSPORTS } from '../helpers/contract-harness';
import { insertBusiness, insertUser, logicalDump } from '../helpers/contract-data';
import { readAuditEvents, seedRuns } from '../helpers/seed';
import { tempDbPath } from '../helpers/temp';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

/** A running app on a file with Acme's runs (and `systemRuns`), a backup of it, then more written after the backup. */
async function world(transport: (typeof TRANSPORTS)[number], systemRuns = 0) {
  const file = tempDbPath();
  const harness = await startHarness(transport, file);
  harnesses.push(harness);
  const { db } = harness;
  const acme = insertBusiness(db, 'Acme');
  seedRuns(db, { kind: 'business', businessId: acme }, 6);
  if (systemRuns > 0) seedRuns(db, { kind: 'system' }, systemRuns);
  seedRuns(db, { kind: 'orphan' }, 2);
  const root = insertUser(db, { role: 'system_admin', businessId: null });
  const ann = insertUser(db, { role: 'business_admin', businessId: acme });
  const alice = insertUser(db, { role: 'member', businessId: acme });
  const backup = backupPathFor(file, 'before-delete-orphans', new Date(Date.UTC(2026, 2, 4, 5, 6, 7)));
  fs.mkdirSync(path.dirname(backup), { recursive: true });
  await backupDatabase(db.sqlite, backup);
  // Written after the backup: a business with runs, and a user the backup never knew.
  seedRuns(db, { kind: 'business', businessId: insertBusiness(db, 'Added later') }, 5);
  const newcomer = insertUser(db, { role: 'system_admin', businessId: null });
  return { harness, file, name: path.basename(backup), root, ann, alice, newcomer };
}

describe.each(TRANSPORTS)('restoring a backup over %s', (transport) => {
  it('is refused to members and business admins, with the database unchanged', async () => {
    const { harness, name, ann, alice } = await world(transport);
    for (const email of [ann.email, alice.email]) {
      const client = await signedInClient(harness, email);
      const before = logicalDump(harness.db);
      for (const [channel, input] of [
        ['backups.restorePreview', { backup: name }],
        ['backups.restore', { backup: name, confirmation: `restore ${name}` }],
      ] as const) {
        const answer = await client.call(channel, input);
        expect(answer.ok ? null : answer.error.code).toBe('FORBIDDEN');
      }
      expect(logicalDump(harness.db)).toBe(before);
    }
  });

  it("previews the backup's figures against the live file's, and refuses a wrong phrase or an unknown backup, naming the field", async () => {
    const { harness, name, root } = await world(transport);
    const admin = await signedInClient(harness, root.email);
    const preview = await admin.value('backups.restorePreview', { backup: name });
    expect(preview.backup).toMatchObject({ name, counts: { runs: 8, businesses: 1, orphans: 2, users: 3 } });
    expect(preview.current.counts).toEqual({ runs: 13, businesses: 2, orphans: 2, users: 4 });
    expect(preview.backup.schemaVersion).toBe(preview.appSchemaVersion);
    expect(preview.current.schemaVersion).toBe(preview.appSchemaVersion);
    expect(preview.confirmation).toBe(`restore ${name}`);

    const before = logicalDump(harness.db);
    const wrong = await admin.call('backups.restore', { backup: name, confirmation: 'restore it' });
    expect(wrong.ok ? null : wrong.error.fields?.map((field) => field.path)).toEqual(['confirmation']);
    const unknown = await admin.call('backups.restore', { backup: 'automation.db.nothing.backup', confirmation: 'restore automation.db.nothing.backup' });
    expect(unknown.ok ? null : unknown.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('There is no backup named') });
    expect(logicalDump(harness.db)).toBe(before);
  });

  it('restores a backup of an older schema, migrated up as the app opens it again', async () => {
    const { harness, file, root } = await world(transport);
    const older = path.join(path.dirname(file), 'older', 'automation.db');
    const { db } = await openAppDatabase(older, { migrationsFolder: migrationsFolder({ keep: 12 }) });
    const keeper = insertUser(db, { role: 'system_admin', businessId: null });
    insertBusiness(db, 'From schema 12');
    db.close();
    const name = path.basename(backupPathFor(file, 'before-delete-orphans', new Date(Date.UTC(2026, 0, 1))));
    fs.copyFileSync(older, path.join(path.dirname(file), 'backups', name));
    const admin = await signedInClient(harness, root.email);
    const preview = await admin.value('backups.restorePreview', { backup: name });
    expect(preview.backup.schemaVersion).toBe(12);
    // Made when its name says, as the backups list has it, not when the file was copied here.
    expect(preview.backup.createdAt).toBe('2026-01-01T00:00:00.000Z');
    const restored = await admin.value('backups.restore', { backup: name, confirmation: `restore ${name}` });
    expect(restored).toMatchObject({ restored: { name, schemaVersion: 12 }, migrated: { from: 12, to: preview.appSchemaVersion } });
    const again = await signedInClient(harness, keeper.email);
    expect((await again.value('businesses.list', {})).map((business) => business.name)).toEqual(['From schema 12']);
  });

  it('refuses a corrupted backup in the running app: the old file is served again, sessions kept, nothing changed', async () => {
    const { harness, file, name, root } = await world(transport);
    const admin = await signedInClient(harness, root.email);
    const backup = path.join(path.dirname(file), 'backups', name);
    const bytes = fs.readFileSync(backup);
    bytes.fill(0x5a, bytes.readUInt16BE(16) * 2);
    fs.writeFileSync(backup, bytes);
    const before = logicalDump(harness.db);
    const refused = await admin.call('backups.restore', { backup: name, confirmation: `restore ${name}` });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'VALIDATION', fields: [{ path: 'backup' }] });
    expect(refused.ok ? '' : refused.error.message).toContain(`The backup ${name} cannot be restored`);
    expect((await admin.value('businesses.list', {})).map((business) => business.name)).toEqual(['Acme', 'Added later']);
    const check = openDatabaseFile(file, { mustExist: true });
    try {
      expect(logicalDump(check)).toBe(before);
    } finally {
      check.close();
    }
  });

  it('restores without a restart: every session ends, calls made meanwhile are answered by the restored file', async () => {
    // Enough runs that the restore's copies take a moment, for a call to be made while it runs.
    const { harness, file, name, root, alice, newcomer } = await world(transport, 40_000);
    const admin = await signedInClient(harness, root.email);
    const member = await signedInClient(harness, alice.email);
    let finished = false;
    const restoring = admin.call('backups.restore', { backup: name, confirmation: `restore ${name}` }).finally(() => (finished = true));
    // Once the restore is backing up the current file, the member asks for runs: the call waits for the restore.
    while (!finished && !fs.readdirSync(path.join(path.dirname(file), 'backups')).some((entry) => entry.startsWith('before-restore-'))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(finished).toBe(false);
    const meanwhile = member.call('jobs.list', { limit: 50 });
    const restored = await restoring;
    if (!restored.ok) throw new Error(restored.error.message);
    expect(restored.value).toMatchObject({ restored: { name }, migrated: null, sessionsEnded: 2 });
    // Answered by the restored file, where the member's session had ended: signed out, never the old file's runs.
    const waited = await meanwhile;
    expect(waited.ok ? 'ok' : waited.error.code).toBe('UNAUTHENTICATED');
    expect((await admin.call('businesses.list', {})).ok).toBe(false);

    // Signed in again, the app answers from the restored file: what was written after the backup is gone.
    const again = await signedInClient(harness, root.email);
    expect((await again.value('businesses.list', {})).map((business) => business.name)).toEqual(['Acme']);
    expect(await again.value('orphans.check', {})).toMatchObject({ businesses: [{ name: 'Acme', runs: 6 }], systemRuns: 40_000, orphans: 2 });
    expect((await again.value('app.status', {})).state).toBe('ready');
    expect((await harness.client().call('auth.login', { email: newcomer.email, password: 'correct horse battery' })).ok).toBe(false);

    const check = openDatabaseFile(file, { mustExist: true });
    try {
      const event = readAuditEvents(check).find((entry) => entry.action === BACKUP_RESTORED);
      expect(event).toMatchObject({ actorLabel: root.email, details: { restoredFrom: name, backupPath: restored.value.previousBackupPath } });
    } finally {
      check.close();
    }
    const previous = openDatabaseFile(restored.value.previousBackupPath, { mustExist: true });
    try {
      expect(previous.sqlite.prepare("SELECT count(*) FROM businesses WHERE name = 'Added later'").pluck().get()).toBe(1);
    } finally {
      previous.close();
    }
  });
});
