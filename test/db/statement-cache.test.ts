// The connection's statement cache: compiled once, handed out again with clean output modes, never shared
// while busy, bounded.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements, openDatabaseFile } from '../../src-main/db/connection';
import { tempDbPath } from '../helpers/temp';

function openWithRows() {
  const db = openDatabaseFile(tempDbPath());
  db.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  for (const name of ['a', 'b', 'c']) db.sqlite.prepare('INSERT INTO t (name) VALUES (?)').run(name);
  return db;
}

describe('statement cache', () => {
  it('the same SQL text gets the same compiled statement', () => {
    const db = openWithRows();
    expect(db.sqlite.prepare('SELECT name FROM t ORDER BY id')).toBe(db.sqlite.prepare('SELECT name FROM t ORDER BY id'));
    db.close();
  });

  it('a caller never inherits the output mode another caller set (pluck, raw, expand)', () => {
    const db = openWithRows();
    const sql = 'SELECT id, name FROM t ORDER BY id';
    expect(db.sqlite.prepare(sql).pluck().all()).toEqual([1, 2, 3]);
    expect(db.sqlite.prepare(sql).all()).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ]);
    expect(db.sqlite.prepare(sql).raw().get()).toEqual([1, 'a']);
    expect(db.sqlite.prepare(sql).get()).toEqual({ id: 1, name: 'a' });
    expect(db.sqlite.prepare(sql).expand().get()).toEqual({ t: { id: 1, name: 'a' } });
    expect(db.sqlite.prepare(sql).get()).toEqual({ id: 1, name: 'a' });
    db.close();
  });

  it('a statement still iterating is not shared: the same SQL inside the loop gets its own', () => {
    const db = openWithRows();
    const sql = 'SELECT name FROM t WHERE id >= ? ORDER BY id';
    const pairs: string[] = [];
    for (const outer of db.sqlite.prepare(sql).pluck().iterate(1) as Iterable<string>) {
      for (const inner of db.sqlite.prepare(sql).pluck().iterate(3) as Iterable<string>) pairs.push(`${outer}${inner}`);
    }
    expect(pairs).toEqual(['ac', 'bc', 'cc']);
    db.close();
  });

  it('holds at most its capacity, least recently used out first', () => {
    const sqlite = new Database(':memory:');
    cacheStatements(sqlite, 2);
    const one = sqlite.prepare('SELECT 1');
    const two = sqlite.prepare('SELECT 2');
    expect(sqlite.prepare('SELECT 1')).toBe(one); // one is now the most recent
    sqlite.prepare('SELECT 3'); // evicts two
    expect(sqlite.prepare('SELECT 1')).toBe(one);
    expect(sqlite.prepare('SELECT 2')).not.toBe(two);
    sqlite.close();
  });
});
