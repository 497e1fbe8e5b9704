// A worker thread runs SQL on a connection of its own and answers with what each step returned.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runSqlInWorker, SqlWorkerError } from '../../src-main/db/sql-worker';
import { tempDir } from '../helpers/temp';

function fileWithRows(rows: number): string {
  const file = path.join(tempDir(), 'worker.db');
  const sqlite = new Database(file);
  sqlite.exec('CREATE TABLE t (n INTEGER)');
  const insert = sqlite.prepare('INSERT INTO t (n) VALUES (?)');
  for (let n = 1; n <= rows; n++) insert.run(n);
  sqlite.close();
  return file;
}

function rowsIn(file: string): number {
  const sqlite = new Database(file, { readonly: true });
  try {
    return sqlite.prepare('SELECT count(*) FROM t').pluck().get() as number;
  } finally {
    sqlite.close();
  }
}

describe('SQL on a worker thread', () => {
  it("answers each step's result in order, with named and positional parameters", async () => {
    const file = fileWithRows(10);
    const results = await runSqlInWorker({
      file,
      readonly: false,
      steps: [
        { kind: 'get', sql: 'SELECT count(*) AS n, sum(n) AS total FROM t' },
        { kind: 'all', sql: 'SELECT n FROM t WHERE n > ? ORDER BY n', params: [8] },
        { kind: 'exec', sql: 'CREATE TABLE u (x); INSERT INTO u VALUES (1)' },
        { kind: 'run', sql: 'DELETE FROM t WHERE n <= @upTo', params: { upTo: 3 } },
      ],
    });
    expect(results).toEqual([{ n: 10, total: 55 }, [{ n: 9 }, { n: 10 }], null, 3]);
    expect(rowsIn(file)).toBe(7);
  });

  it('stops at a continueIf whose value is falsy: nothing after it runs, and the transaction it left open rolls back', async () => {
    const file = fileWithRows(4);
    const step = (sql: string) => ({ kind: 'exec' as const, sql });
    const whenRowsAbove = (n: number) => [
      step('BEGIN IMMEDIATE'),
      step('DELETE FROM t WHERE n = 1'),
      { kind: 'continueIf' as const, sql: 'SELECT count(*) > ? FROM t', params: [n] },
      step('DELETE FROM t WHERE n = 2'),
      step('COMMIT'),
    ];
    expect(await runSqlInWorker({ file, readonly: false, steps: whenRowsAbove(3) })).toEqual([null, null, 0]);
    expect(rowsIn(file)).toBe(4);
    expect(await runSqlInWorker({ file, readonly: false, steps: whenRowsAbove(2) })).toEqual([null, null, 1, null, null]);
    expect(rowsIn(file)).toBe(2);
  });

  it('attaches files by schema name', async () => {
    const main = fileWithRows(2);
    const other = fileWithRows(5);
    const [row] = await runSqlInWorker({
      file: main,
      readonly: true,
      attach: { other },
      steps: [{ kind: 'get', sql: 'SELECT (SELECT count(*) FROM main.t) AS here, (SELECT count(*) FROM other.t) AS there' }],
    });
    expect(row).toEqual({ here: 2, there: 5 });
  });

  it('rejects with the failing step’s error, and runs nothing after it', async () => {
    const file = fileWithRows(3);
    const failure = await runSqlInWorker({
      file,
      readonly: false,
      steps: [
        { kind: 'get', sql: 'SELECT x FROM nowhere' },
        { kind: 'run', sql: 'DELETE FROM t' },
      ],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SqlWorkerError);
    expect((failure as SqlWorkerError).message).toBe('no such table: nowhere');
    expect((failure as SqlWorkerError).code).toBe('SQLITE_ERROR');
    expect(rowsIn(file)).toBe(3);
  });

  it('cannot change a file it opened read-only', async () => {
    const file = fileWithRows(3);
    await expect(runSqlInWorker({ file, readonly: true, steps: [{ kind: 'run', sql: 'DELETE FROM t' }] })).rejects.toMatchObject({
      code: 'SQLITE_READONLY',
    });
  });
});
