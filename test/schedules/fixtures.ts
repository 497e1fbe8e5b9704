// Shared set-up for the schedule tests: a platform with two businesses and one user of each kind, schedule
// inputs shaped by the contract's schemas, and a fake clock with fake timers.
import { expect } from 'vitest';
import type { z } from 'zod';
import type { AppDatabase } from '../../src-main/db/connection';
import { createSchedule } from '../../src-main/schedules/schedules';
import type { ScopeSelection } from '../../src-shared/schemas/accounts';
import { createScheduleInput } from '../../src-shared/schemas/schedules';
import { actorFor, seedUser } from '../helpers/accounts';
import { createTestDatabase, seedBusiness } from '../helpers/seed';

export async function platform() {
  const db = await createTestDatabase();
  const acme = seedBusiness(db, { name: 'Acme' });
  const globex = seedBusiness(db, { name: 'Globex' });
  const user = (options: Parameters<typeof seedUser>[1]) => seedUser(db, { withPassword: false, ...options }).then(actorFor);
  const root = await user({ email: 'root@example.test', role: 'system_admin' });
  const acmeAdmin = await user({ email: 'boss@acme.test', role: 'business_admin', businessId: acme.id });
  const acmeMember = await user({ email: 'ann@acme.test', role: 'member', businessId: acme.id });
  const globexAdmin = await user({ email: 'boss@globex.test', role: 'business_admin', businessId: globex.id });
  const homeless = await user({ email: 'nobody@example.test', role: 'business_admin' });
  return { db, acme, globex, root, acmeAdmin, acmeMember, globexAdmin, homeless };
}

export const ALL: ScopeSelection = { kind: 'all' };

export type ScheduleRequest = z.input<typeof createScheduleInput>;

export function scheduleInput(request: Partial<ScheduleRequest> = {}) {
  return createScheduleInput.parse({ name: 'Probe', jobType: 'diagnostics.probe', cron: '*/5 * * * *', ...request });
}

/** A schedule made by a system admin (who may place it anywhere), at `now`. */
export function seedSchedule(
  db: AppDatabase,
  root: Parameters<typeof createSchedule>[1],
  request: Partial<ScheduleRequest> & Pick<ScheduleRequest, 'target'>,
  now = Date.UTC(2026, 0, 1),
) {
  return createSchedule(db, root, ALL, scheduleInput(request), now);
}

export const refused = (code: string, message?: string | RegExp) =>
  expect.objectContaining({
    code,
    ...(message === undefined ? {} : { message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) }),
  });

export function countRows(db: AppDatabase, table: 'job_schedules' | 'job_runs' | 'audit_events'): number {
  return (db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/**
 * A clock the test moves, and timers that fire only when the test advances the clock past them. The
 * scheduler arms at most one timer at a time; `advanceTo` fires each one whose time has come, in order.
 */
export function fakeTime(start: number) {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, { at: number; delay: number; callback: () => void }>();
  return {
    now: () => new Date(now),
    nowMs: () => now,
    setTimer: (callback: () => void, delay: number) => {
      const id = nextId++;
      pending.set(id, { at: now + delay, delay, callback });
      return id;
    },
    clearTimer: (handle: unknown) => {
      pending.delete(handle as number);
    },
    pendingDelays: () => [...pending.values()].map((timer) => timer.delay),
    /** Moves the clock to `target`, firing every timer due on the way at its own time. */
    advanceTo(target: number) {
      for (let guard = 0; guard < 100_000; guard++) {
        const next = [...pending.entries()].sort((x, y) => x[1].at - y[1].at)[0];
        if (!next || next[1].at > target) break;
        pending.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].callback();
      }
      now = target;
    },
    /** The clock jumps (a sleep, or the user changing it) without any timer firing on the way; then the pending timer fires. */
    jumpTo(target: number) {
      now = target;
      const timers = [...pending.entries()];
      pending.clear();
      for (const [, timer] of timers) timer.callback();
    },
  };
}
