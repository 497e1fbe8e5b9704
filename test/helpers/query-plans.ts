// EXPLAIN QUERY PLAN of what a real service function runs: every statement it executes, with the values it binds
// (spied on better-sqlite3's Statement prototype, so statements a service prepared once are seen too), inside a
// savepoint that is rolled back, so a call that writes leaves the data as it was.
import type Database from 'better-sqlite3';
import { vi } from 'vitest';
import type { AppDatabase } from '../../src-main/db/connection';

// ---- Capturing what a service runs ----------------------------------------------------------------------

export interface Captured {
  sql: string;
  params: unknown[];
}

const EXECUTION_METHODS = ['run', 'get', 'all', 'iterate'] as const;
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/i;

/** Every statement `work` executes, with the values it binds; transaction control and pragmas left out. */
export function captureStatements(db: AppDatabase, work: () => unknown): Captured[] {
  const proto = Object.getPrototypeOf(db.sqlite.prepare('SELECT 1')) as Database.Statement;
  const captured: Captured[] = [];
  const spies = EXECUTION_METHODS.map((method) => {
    const original = proto[method] as (...args: unknown[]) => unknown;
    return vi.spyOn(proto, method).mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
      captured.push({ sql: this.source, params: args });
      return original.apply(this, args);
    } as never);
  });
  db.sqlite.exec('SAVEPOINT query_plan_case');
  try {
    work();
  } finally {
    for (const spy of spies) spy.mockRestore();
    db.sqlite.exec('ROLLBACK TO query_plan_case');
    db.sqlite.exec('RELEASE query_plan_case');
  }
  return captured.filter((statement) => !TRANSACTION_CONTROL.test(statement.sql));
}

// ---- Reading plans ----------------------------------------------------------------------------------------

export interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

export function explain(db: AppDatabase, statement: Captured): PlanRow[] {
  const explained = db.sqlite.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`);
  // Drizzle binds positionally; pad with NULLs should a statement have been bound ahead of execution.
  const positional = statement.params.length === 1 && typeof statement.params[0] === 'object' && statement.params[0] !== null;
  const wanted = (statement.sql.match(/\?/g) ?? []).length;
  const params = positional || statement.params.length >= wanted ? statement.params : [...statement.params, ...Array<null>(wanted - statement.params.length).fill(null)];
  return explained.all(...params) as PlanRow[];
}

export function formatPlan(plan: PlanRow[]): string {
  const depth = new Map<number, number>([[0, 0]]);
  return plan
    .map((row) => {
      const level = (depth.get(row.parent) ?? 0) + 1;
      depth.set(row.id, level);
      return `${'  '.repeat(level + 1)}${row.detail}`;
    })
    .join('\n');
}
