// Deleting parent rows with foreign keys off: only when every referencing key is ON DELETE SET NULL, applied
// set-based; a dangling reference left behind throws (so the caller's transaction rolls back).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { deleteWithReferencesSetNull, setNullReferencesTo } from '../../src-main/db/bulk-delete';
import { withForeignKeysOff } from '../../src-main/db/migrations';

function database(childAction: string): Database.Database {
  const sqlite = new Database(':memory:');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY, doomed INTEGER NOT NULL);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE ${childAction});
    CREATE TABLE self (id INTEGER PRIMARY KEY, again_id INTEGER REFERENCES self(id) ON DELETE SET NULL);
    INSERT INTO parent VALUES (1, 1), (2, 0), (3, 1);
    INSERT INTO child VALUES (10, 1), (11, 2), (12, 3), (13, NULL);`);
  return sqlite;
}

const doomed = { sql: 'SELECT id FROM parent WHERE doomed = ?', params: [1] };

describe('deleting with references set to NULL set-based', () => {
  it('finds only single-column SET NULL keys, and refuses any other action', () => {
    expect(setNullReferencesTo(database('SET NULL'), 'parent')).toEqual([{ table: 'child', column: 'parent_id', parentColumn: 'id' }]);
    expect(setNullReferencesTo(database('SET NULL'), 'self')).toEqual([{ table: 'self', column: 'again_id', parentColumn: 'id' }]);
    for (const action of ['CASCADE', 'RESTRICT', 'NO ACTION', 'SET DEFAULT']) expect(setNullReferencesTo(database(action), 'parent')).toBeNull();
  });

  it('sets the references to NULL, deletes, and leaves no violation; foreign keys come back on', () => {
    const sqlite = database('SET NULL');
    const references = setNullReferencesTo(sqlite, 'parent')!;
    const deleted = withForeignKeysOff(sqlite, () =>
      deleteWithReferencesSetNull(sqlite, 'parent', references, doomed, () => sqlite.prepare('DELETE FROM parent WHERE doomed = 1').run().changes),
    );
    expect(deleted).toBe(2);
    expect(sqlite.prepare('SELECT id, parent_id FROM child ORDER BY id').raw().all()).toEqual([[10, null], [11, 2], [12, null], [13, null]]);
    expect(sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('throws, rolling back, when the delete leaves a reference dangling, and refuses to run with foreign keys on', () => {
    const sqlite = database('SET NULL');
    const references = setNullReferencesTo(sqlite, 'parent')!;
    expect(() =>
      withForeignKeysOff(sqlite, () => deleteWithReferencesSetNull(sqlite, 'parent', references, doomed, () => sqlite.exec('DELETE FROM parent WHERE id = 2'))),
    ).toThrow('1 row(s) of child.parent_id would reference deleted parent rows');
    expect(sqlite.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(3);
    expect(sqlite.prepare('SELECT count(*) FROM child WHERE parent_id IS NOT NULL').pluck().get()).toBe(3);
    expect(() => sqlite.transaction(() => deleteWithReferencesSetNull(sqlite, 'parent', references, doomed, () => 0))()).toThrow(/foreign keys off/);
  });
});
