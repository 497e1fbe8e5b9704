import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tenantScopeFor } from '../../src-main/access/policy';
import type { AppDatabase } from '../../src-main/db/connection';
import { businesses, jobSchedules } from '../../src-main/db/schema';
import { createScheduler, type ScheduleSkip, type SchedulerOptions } from '../../src-main/jobs/scheduler';
import { listJobRuns } from '../../src-main/history/pages';
import { setScheduleEnabled, updateSchedule } from '../../src-main/schedules/schedules';
import type { TenantScope } from '../../src-shared/tenancy';
import { isRunInScope } from '../../src-main/tenancy/owner-sql';
import type { JobRunView } from '../../src-shared/schemas/jobs';
import { listJobRunsInput } from '../../src-shared/schemas/jobs';
import { writeMeta } from '../../src-main/db/meta';
import { META_RUN_LIMITS } from '../../src-main/lifecycle/limits';
import { DEFAULT_RUN_LIMITS } from '../../src-shared/schemas/limits';
import { insertRuns, readAuditEvents } from '../helpers/seed';
import { ALL, countRows, fakeTime, platform, seedSchedule } from './fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-04-01T10:00:30Z');
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function schedulerFor(db: AppDatabase, time: ReturnType<typeof fakeTime>, extra: Partial<SchedulerOptions> = {}) {
  const created: JobRunView[] = [];
  const skipped: ScheduleSkip[] = [];
  const scheduler = createScheduler(db, {
    now: time.now,
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    onRunCreated: (run) => created.push(run),
    onSkip: (skip) => skipped.push(skip),
    onError: (error) => {
      throw error;
    },
    ...extra,
  });
  return { scheduler, created, skipped };
}

function scheduleRow(db: AppDatabase, id: number) {
  return db.orm.select().from(jobSchedules).where(eq(jobSchedules.id, id)).get();
}

function runsIn(db: AppDatabase, scope: TenantScope) {
  return listJobRuns(db, scope, listJobRunsInput.parse({ limit: 200 })).runs;
}

describe('firing schedules', () => {
  it('a schedule’s runs carry its tags; a change of its tags reaches the next runs, not the ones it made', async () => {
    const { db, acme, root } = await platform();
    const schedule = seedSchedule(db, root, { name: 'tagged', tags: { env: 'prod', team: 'billing' }, target: { kind: 'business', businessId: acme.id } }, T0);
    expect(schedule.tags).toEqual({ env: 'prod', team: 'billing' });
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(Date.parse('2026-04-01T10:05:00Z'));
    expect(created.map((run) => run.tags)).toEqual([{ env: 'prod', team: 'billing' }]);
    const changed = updateSchedule(db, root, ALL, { id: schedule.id, tags: { env: 'staging' } }, Date.parse('2026-04-01T10:06:00Z'));
    expect(changed.tags).toEqual({ env: 'staging' });
    expect(readAuditEvents(db).find((event) => event.action === 'schedule.update')?.details).toMatchObject({
      changes: { tags: { from: { env: 'prod', team: 'billing' }, to: { env: 'staging' } } },
    });
    time.advanceTo(Date.parse('2026-04-01T10:10:00Z'));
    expect(runsIn(db, { kind: 'business', businessId: acme.id }).map((run) => run.tags)).toEqual([{ env: 'staging' }, { env: 'prod', team: 'billing' }]);
    // {} removes them: its next runs carry none.
    expect(updateSchedule(db, root, ALL, { id: schedule.id, tags: {} }, Date.parse('2026-04-01T10:11:00Z')).tags).toEqual({});
    time.advanceTo(Date.parse('2026-04-01T10:15:00Z'));
    expect(created.at(-1)?.tags).toEqual({});
    scheduler.stop();
  });

  it('a scheduled run is created with its schedule’s business, and only there', async () => {
    const { db, acme, globex, root, acmeAdmin } = await platform();
    const schedule = seedSchedule(db, root, { name: 'acme probe', target: { kind: 'business', businessId: acme.id } }, T0);
    seedSchedule(db, root, { name: 'globex hourly', cron: '0 * * * *', target: { kind: 'business', businessId: globex.id } }, T0);
    expect(iso(schedule.nextRunAt)).toBe('2026-04-01T10:05:00.000Z');
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);

    expect(scheduler.start()).toEqual({ missed: 0, ranOnStart: 0 });
    expect(created).toEqual([]);
    expect(time.pendingDelays()).toEqual([MINUTE]); // capped: the first run is 4.5 minutes away

    time.advanceTo(Date.parse('2026-04-01T10:05:00Z'));
    expect(created).toHaveLength(1);
    const [run] = created;
    expect(run).toMatchObject({
      scope: 'business',
      businessId: acme.id,
      businessName: 'Acme',
      jobType: 'diagnostics.probe',
      status: 'pending',
      trigger: 'schedule',
      scheduleId: schedule.id,
      triggeredBy: 'schedule: acme probe',
      createdAt: Date.parse('2026-04-01T10:05:00Z'),
    });
    expect(runsIn(db, { kind: 'business', businessId: globex.id })).toEqual([]);
    expect(runsIn(db, tenantScopeFor(acmeAdmin, ALL)).map((r) => r.id)).toEqual([run!.id]);
    expect(db.sqlite.prepare('SELECT params FROM job_runs').get()).toEqual({ params: JSON.stringify({ durationMs: 2000, steps: 5, fail: false }) });

    const row = scheduleRow(db, schedule.id)!;
    expect(iso(row.lastRunAt)).toBe('2026-04-01T10:05:00.000Z');
    expect(iso(row.nextRunAt)).toBe('2026-04-01T10:10:00.000Z');
    expect(readAuditEvents(db).filter((event) => event.action === 'schedule.fire')).toEqual([
      {
        action: 'schedule.fire',
        actorLabel: 'scheduler',
        businessId: acme.id,
        details: expect.objectContaining({ runId: run!.id, name: 'acme probe', missed: false }),
      },
    ]);

    // An hour later: twelve Acme runs and Globex's one, each in its own business.
    time.advanceTo(Date.parse('2026-04-01T11:05:00Z'));
    expect(runsIn(db, { kind: 'business', businessId: acme.id })).toHaveLength(13);
    expect(runsIn(db, { kind: 'business', businessId: globex.id })).toHaveLength(1);
    expect(runsIn(db, { kind: 'system' })).toEqual([]);
    expect(created).toHaveLength(14);
    scheduler.stop();
  });

  it('a system-wide schedule creates system runs, which only system admins can see', async () => {
    const { db, root, acmeAdmin, acmeMember, globexAdmin } = await platform();
    const schedule = seedSchedule(db, root, { name: 'integrity', jobType: 'maintenance.integrity_check', cron: '0 * * * *', target: { kind: 'system' } }, T0);
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(Date.parse('2026-04-01T11:00:00Z'));
    expect(created).toHaveLength(1);
    const run = created[0]!;
    expect(run).toMatchObject({ scope: 'system', businessId: null, businessName: null, scheduleId: schedule.id, trigger: 'schedule' });

    for (const actor of [acmeAdmin, acmeMember, globexAdmin]) {
      const scope = tenantScopeFor(actor, { kind: 'system' });
      expect(isRunInScope(run, scope)).toBe(false);
      expect(runsIn(db, scope)).toEqual([]);
    }
    for (const selection of [ALL, { kind: 'system' } as const]) {
      const scope = tenantScopeFor(root, selection);
      expect(isRunInScope(run, scope)).toBe(true);
      expect(runsIn(db, scope).map((r) => r.id)).toEqual([run.id]);
    }
    expect(runsIn(db, { kind: 'orphans' })).toEqual([]);
    expect(readAuditEvents(db).find((event) => event.action === 'schedule.fire')).toMatchObject({ businessId: null, actorLabel: 'scheduler' });
    scheduler.stop();
  });

  it('follows Berlin’s 03:00 across the March change', async () => {
    const { db, acme, root } = await platform();
    const start = Date.parse('2026-03-27T12:00:00Z');
    seedSchedule(db, root, { cron: '0 3 * * *', timeZone: 'Europe/Berlin', target: { kind: 'business', businessId: acme.id } }, start);
    const time = fakeTime(start);
    const { scheduler, created } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(Date.parse('2026-03-31T12:00:00Z'));
    expect(created.map((run) => iso(run.createdAt))).toEqual([
      '2026-03-28T02:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
      '2026-03-31T01:00:00.000Z',
    ]);
    scheduler.stop();
  });

  it('a schedule whose business has as many pending runs as it may skips its due time and records why', async () => {
    const { db, acme, globex, root } = await platform();
    writeMeta(db, META_RUN_LIMITS, { ...DEFAULT_RUN_LIMITS, pendingPerBusiness: 2 });
    insertRuns(db, [{ owner: { kind: 'business', businessId: acme.id }, status: 'pending', createdAt: T0 }]);
    const acmeSchedule = seedSchedule(db, root, { name: 'acme hourly', cron: '0 * * * *', target: { kind: 'business', businessId: acme.id } }, T0);
    seedSchedule(db, root, { cron: '0 * * * *', target: { kind: 'business', businessId: globex.id } }, T0);
    const time = fakeTime(T0);
    const { scheduler, created, skipped } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(Date.parse('2026-04-01T12:00:00Z'));
    // 11:00: Acme's second pending run (none is served here); 12:00: Acme is at its limit, Globex is not.
    expect(created.map((run) => run.businessId)).toEqual([acme.id, globex.id, globex.id]);
    const message = 'Business Acme already has 2 pending runs and may have at most 2; wait for some to finish or ask a system admin to raise the limit.';
    expect(skipped).toEqual([{ scheduleId: acmeSchedule.id, name: 'acme hourly', dueAt: Date.parse('2026-04-01T12:00:00Z'), reason: 'limit', message }]);
    expect(iso(scheduleRow(db, acmeSchedule.id)!.nextRunAt)).toBe('2026-04-01T13:00:00.000Z');
    expect(readAuditEvents(db).filter((event) => event.action === 'schedule.skip')).toEqual([
      {
        action: 'schedule.skip',
        actorLabel: 'scheduler',
        businessId: acme.id,
        details: { name: 'acme hourly', jobType: 'diagnostics.probe', dueAt: Date.parse('2026-04-01T12:00:00Z'), reason: 'limit', message },
      },
    ]);
    scheduler.stop();
  });

  it('a schedule whose business is disabled is skipped, and its next time still moves on', async () => {
    const { db, acme, globex, root } = await platform();
    const acmeSchedule = seedSchedule(db, root, { cron: '0 * * * *', target: { kind: 'business', businessId: acme.id } }, T0);
    seedSchedule(db, root, { cron: '0 * * * *', target: { kind: 'business', businessId: globex.id } }, T0);
    db.orm.update(businesses).set({ disabledAt: T0 }).where(eq(businesses.id, acme.id)).run();
    const time = fakeTime(T0);
    const { scheduler, created, skipped } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(Date.parse('2026-04-01T12:00:00Z'));
    expect(created.map((run) => run.businessId)).toEqual([globex.id, globex.id]);
    expect(skipped.map((skip) => [skip.scheduleId, skip.reason])).toEqual([
      [acmeSchedule.id, 'business_disabled'],
      [acmeSchedule.id, 'business_disabled'],
    ]);
    expect(iso(scheduleRow(db, acmeSchedule.id)!.nextRunAt)).toBe('2026-04-01T13:00:00.000Z');
    expect(scheduleRow(db, acmeSchedule.id)!.lastRunAt).toBeNull();
    expect(runsIn(db, { kind: 'business', businessId: acme.id })).toEqual([]);
    scheduler.stop();
  });

  it('a paused schedule never fires; enabled again, it resumes from now after reschedule()', async () => {
    const { db, acme, root } = await platform();
    const schedule = seedSchedule(db, root, { cron: '0 * * * *', target: { kind: 'business', businessId: acme.id } }, T0);
    setScheduleEnabled(db, root, ALL, { id: schedule.id, enabled: false }, T0);
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);
    expect(scheduler.start()).toEqual({ missed: 0, ranOnStart: 0 });
    expect(time.pendingDelays()).toEqual([]);
    time.advanceTo(T0 + 5 * HOUR);
    expect(created).toEqual([]);

    setScheduleEnabled(db, root, ALL, { id: schedule.id, enabled: true }, time.nowMs());
    scheduler.reschedule();
    expect(time.pendingDelays()).toHaveLength(1);
    time.advanceTo(Date.parse('2026-04-01T16:00:00Z'));
    expect(created.map((run) => iso(run.createdAt))).toEqual(['2026-04-01T16:00:00.000Z']);

    setScheduleEnabled(db, root, ALL, { id: schedule.id, enabled: false }, time.nowMs());
    scheduler.reschedule();
    expect(time.pendingDelays()).toEqual([]);
    scheduler.stop();
  });

  it('stop() clears the timer and nothing fires afterwards', async () => {
    const { db, acme, root } = await platform();
    seedSchedule(db, root, { target: { kind: 'business', businessId: acme.id } }, T0);
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);
    scheduler.start();
    expect(time.pendingDelays()).toHaveLength(1);
    scheduler.stop();
    expect(time.pendingDelays()).toEqual([]);
    scheduler.reschedule();
    expect(time.pendingDelays()).toEqual([]);
    time.advanceTo(T0 + HOUR);
    expect(created).toEqual([]);
    expect(countRows(db, 'job_runs')).toBe(0);
  });

  it('a timer that fires early creates nothing and re-arms', async () => {
    const { db, acme, root } = await platform();
    seedSchedule(db, root, { cron: '0 12 * * *', target: { kind: 'business', businessId: acme.id } }, T0);
    const time = fakeTime(T0);
    const { scheduler, created } = schedulerFor(db, time);
    scheduler.start();
    time.advanceTo(T0 + 10 * MINUTE); // ten capped wake-ups
    expect(created).toEqual([]);
    expect(time.pendingDelays()).toEqual([MINUTE]);
    time.advanceTo(Date.parse('2026-04-01T12:00:00Z'));
    expect(created).toHaveLength(1);
    scheduler.stop();
  });
});

describe('runs missed while the app was closed, or asleep', () => {
  async function closedForFiveHours() {
    const p = await platform();
    const skip = seedSchedule(p.db, p.root, { name: 'skip', cron: '0 * * * *', missedRunPolicy: 'skip', target: { kind: 'business', businessId: p.acme.id } }, T0);
    const once = seedSchedule(
      p.db,
      p.root,
      { name: 'once', cron: '0 * * * *', missedRunPolicy: 'run_once', target: { kind: 'business', businessId: p.globex.id } },
      T0,
    );
    const later = seedSchedule(p.db, p.root, { name: 'later', cron: '0 0 1 1 *', missedRunPolicy: 'run_once', target: { kind: 'system' } }, T0);
    return { ...p, skip, once, later };
  }

  it('on start: skip creates nothing, run_once creates exactly one run, and both move to the next future time', async () => {
    const { db, globex, skip, once, later } = await closedForFiveHours();
    const reopened = Date.parse('2026-04-01T15:20:00Z');
    const time = fakeTime(reopened);
    const { scheduler, created, skipped } = schedulerFor(db, time);

    expect(scheduler.start()).toEqual({ missed: 2, ranOnStart: 1 });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ businessId: globex.id, scheduleId: once.id, createdAt: reopened });
    expect(skipped).toEqual([expect.objectContaining({ scheduleId: skip.id, reason: 'missed' })]);
    for (const id of [skip.id, once.id]) expect(iso(scheduleRow(db, id)!.nextRunAt)).toBe('2026-04-01T16:00:00.000Z');
    expect(scheduleRow(db, once.id)!.lastRunAt).toBe(reopened);
    expect(scheduleRow(db, skip.id)!.lastRunAt).toBeNull();
    expect(scheduleRow(db, later.id)!.nextRunAt).toBe(later.nextRunAt);
    expect(readAuditEvents(db).filter((event) => event.action === 'schedule.fire')).toEqual([
      expect.objectContaining({ businessId: globex.id, details: expect.objectContaining({ missed: true }) }),
    ]);
    scheduler.stop();

    // Started again at once: nothing is missed twice.
    const again = schedulerFor(db, time);
    expect(again.scheduler.start()).toEqual({ missed: 0, ranOnStart: 0 });
    expect(countRows(db, 'job_runs')).toBe(1);
    again.scheduler.stop();
  });

  it('after a long sleep the timer applies the same policies; a slightly late timer still runs', async () => {
    const { db, globex, once, skip } = await closedForFiveHours();
    const time = fakeTime(T0);
    const { scheduler, created, skipped } = schedulerFor(db, time);
    scheduler.start();
    time.jumpTo(Date.parse('2026-04-01T11:00:20Z')); // 20 s late: an ordinary run for both
    expect(created.map((run) => run.scheduleId).sort()).toEqual([skip.id, once.id].sort());

    time.jumpTo(Date.parse('2026-04-01T19:30:00Z')); // asleep for hours
    expect(created).toHaveLength(3);
    expect(created[2]).toMatchObject({ scheduleId: once.id, businessId: globex.id });
    expect(skipped).toEqual([expect.objectContaining({ scheduleId: skip.id, reason: 'missed' })]);
    for (const id of [skip.id, once.id]) expect(iso(scheduleRow(db, id)!.nextRunAt)).toBe('2026-04-01T20:00:00.000Z');
    scheduler.stop();
  });

  it('a disabled business is skipped on start too, even with run_once', async () => {
    const { db, globex, once } = await closedForFiveHours();
    db.orm.update(businesses).set({ disabledAt: T0 }).where(eq(businesses.id, globex.id)).run();
    const time = fakeTime(Date.parse('2026-04-01T15:20:00Z'));
    const { scheduler, created, skipped } = schedulerFor(db, time);
    expect(scheduler.start()).toEqual({ missed: 2, ranOnStart: 0 });
    expect(created).toEqual([]);
    expect(skipped.find((skip) => skip.scheduleId === once.id)).toMatchObject({ reason: 'business_disabled' });
    expect(iso(scheduleRow(db, once.id)!.nextRunAt)).toBe('2026-04-01T16:00:00.000Z');
    scheduler.stop();
  });

  it('a schedule that can no longer run (its params no longer valid) is skipped as failed and does not spin', async () => {
    const { db, once } = await closedForFiveHours();
    db.sqlite.prepare(`UPDATE job_schedules SET params = '{"steps": 0}' WHERE id = ?`).run(once.id);
    const time = fakeTime(Date.parse('2026-04-01T15:20:00Z'));
    const { scheduler, created, skipped } = schedulerFor(db, time);
    expect(scheduler.start()).toEqual({ missed: 2, ranOnStart: 0 });
    expect(created).toEqual([]);
    expect(skipped.find((skip) => skip.scheduleId === once.id)).toMatchObject({ reason: 'failed', message: 'Steps must be at least 1.' });
    expect(iso(scheduleRow(db, once.id)!.nextRunAt)).toBe('2026-04-01T16:00:00.000Z');
    expect(countRows(db, 'job_runs')).toBe(0);
    scheduler.stop();
  });
});
