// The owner key is defined once (ownerKeySql in src-main/tenancy/owner-sql.ts); the migrations' triggers on job_runs
// write it out, since a migration is SQL fixed forever. This holds the live schema's triggers to that definition: each
// owner expression in them is exactly what ownerKeySql generates for their NEW or OLD row, and they name the owner's
// columns nowhere else (but in the columns an UPDATE trigger watches), so no other spelling of the owner hides there.
import { describe, expect, it } from 'vitest';
import { ownerKeySql, RUN_OWNER_SQL } from '../../src-main/tenancy/owner-sql';
import { createTestDatabase } from '../helpers/seed';

const OWNER_COLUMNS = /scope|business_id/i;

async function jobRunsTriggers(): Promise<{ name: string; sql: string }[]> {
  const db = await createTestDatabase();
  return db.sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'job_runs' ORDER BY name").all() as {
    name: string;
    sql: string;
  }[];
}

describe('the owner key in the triggers on job_runs', () => {
  it('is what ownerKeySql generates, for the NEW and the OLD row', async () => {
    const triggers = await jobRunsTriggers();
    expect(triggers.length).toBeGreaterThan(0);
    const uses = { NEW: 0, OLD: 0 };
    for (const row of ['NEW', 'OLD'] as const) {
      for (const trigger of triggers) uses[row] += trigger.sql.split(ownerKeySql(row)).length - 1;
    }
    // Every rollup trigger computes the owner: insert (NEW), delete (OLD), and the updates (both).
    expect(uses.NEW).toBeGreaterThan(0);
    expect(uses.OLD).toBeGreaterThan(0);
  });

  it('names the owner columns nowhere else: no other spelling of the owner expression', async () => {
    for (const trigger of await jobRunsTriggers()) {
      const body = trigger.sql
        .split(ownerKeySql('NEW'))
        .join('<owner of NEW>')
        .split(ownerKeySql('OLD'))
        .join('<owner of OLD>')
        // The columns an UPDATE trigger watches are not an expression.
        .replace(/\bAFTER\s+UPDATE\s+OF\s+[^]*?\bON\s+`job_runs`/i, 'AFTER UPDATE OF … ON `job_runs`');
      expect({ trigger: trigger.name, otherOwnerSql: body.match(new RegExp(`[^\\n]*(${OWNER_COLUMNS.source})[^\\n]*`, 'gi')) }).toEqual({
        trigger: trigger.name,
        otherOwnerSql: null,
      });
    }
  });

  it('RUN_OWNER_SQL, the same key over job_runs in a query, comes from the same definition', () => {
    expect(RUN_OWNER_SQL).toBe(ownerKeySql());
    expect(ownerKeySql('NEW')).toBe("CASE WHEN NEW.`scope` = 'system' THEN 0 ELSE ifnull(NEW.`business_id`, -1) END");
  });
});
