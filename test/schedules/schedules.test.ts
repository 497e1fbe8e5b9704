import { describe, expect, it } from 'vitest';
import {
  computeNextRunAt,
  createSchedule,
  deleteSchedule,
  listSchedules,
  previewCron,
  setScheduleEnabled,
  updateSchedule,
} from '../../src-main/schedules/schedules';
import { previewCronInput, updateScheduleInput } from '../../src-shared/schemas/schedules';
import { readAuditEvents, seedBusiness } from '../helpers/seed';
import { ALL, countRows, platform, refused, scheduleInput, seedSchedule } from './fixtures';
import { refusedField } from '../helpers/refusals';
import { fieldIssuesOf } from '../../src-shared/field-issues';

const JAN_1 = Date.UTC(2026, 0, 1);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function threeSchedules() {
  const p = await platform();
  const acmeSchedule = seedSchedule(p.db, p.root, { name: 'b acme probe', target: { kind: 'business', businessId: p.acme.id } });
  const globexSchedule = seedSchedule(p.db, p.root, { name: 'C globex probe', target: { kind: 'business', businessId: p.globex.id } });
  const systemSchedule = seedSchedule(p.db, p.root, { name: 'a nightly backup', jobType: 'maintenance.backup', target: { kind: 'system' } });
  return { ...p, acmeSchedule, globexSchedule, systemSchedule };
}

describe('who sees which schedules', () => {
  it('members and business admins see their own business’s; a system admin sees per the switcher', async () => {
    const { db, acme, globex, root, acmeAdmin, acmeMember, globexAdmin, acmeSchedule, globexSchedule, systemSchedule } =
      await threeSchedules();
    const names = (views: { name: string }[]) => views.map((view) => view.name);

    expect(names(listSchedules(db, acmeMember, ALL))).toEqual(['b acme probe']);
    expect(names(listSchedules(db, acmeAdmin, { kind: 'business', businessId: globex.id }))).toEqual(['b acme probe']);
    expect(names(listSchedules(db, globexAdmin, { kind: 'system' }))).toEqual(['C globex probe']);

    expect(names(listSchedules(db, root, ALL))).toEqual(['a nightly backup', 'b acme probe', 'C globex probe']);
    expect(listSchedules(db, root, { kind: 'business', businessId: acme.id }).map((s) => s.id)).toEqual([acmeSchedule.id]);
    expect(listSchedules(db, root, { kind: 'business', businessId: globex.id }).map((s) => s.id)).toEqual([globexSchedule.id]);
    expect(listSchedules(db, root, { kind: 'system' }).map((s) => s.id)).toEqual([systemSchedule.id]);
    expect(listSchedules(db, root, { kind: 'orphans' })).toEqual([]);
  });

  it('a view carries its business name (null system-wide) and everything the contract names', async () => {
    const { db, root, acme, acmeSchedule, systemSchedule } = await threeSchedules();
    expect(acmeSchedule).toMatchObject({ scope: 'business', businessId: acme.id, businessName: 'Acme', enabled: true, missedRunPolicy: 'skip' });
    expect(systemSchedule).toMatchObject({ scope: 'system', businessId: null, businessName: null, jobType: 'maintenance.backup' });
    const listed = listSchedules(db, root, ALL).find((s) => s.id === acmeSchedule.id);
    expect(listed).toEqual(acmeSchedule);
    expect(acmeSchedule.createdByUserId).toBe(root.userId);
    expect(acmeSchedule.params).toEqual({ durationMs: 2000, steps: 5, fail: false });
  });

  it('without a business, or with a disabled one, there is nothing to see: FORBIDDEN', async () => {
    const { db, acmeMember, homeless } = await threeSchedules();
    expect(() => listSchedules(db, homeless, ALL)).toThrow(refused('FORBIDDEN'));
    expect(() => listSchedules(db, { ...acmeMember, businessDisabled: true }, ALL)).toThrow(refused('FORBIDDEN'));
  });
});

describe('creating a schedule', () => {
  it('a member may not; a business admin only in their own business; a system admin anywhere, incl. system-wide', async () => {
    const { db, acme, globex, root, acmeAdmin, acmeMember } = await platform();
    const inAcme = { kind: 'business', businessId: acme.id } as const;
    const inGlobex = { kind: 'business', businessId: globex.id } as const;

    expect(() => createSchedule(db, acmeMember, ALL, scheduleInput())).toThrow(refused('FORBIDDEN'));
    expect(() => createSchedule(db, acmeMember, ALL, scheduleInput({ target: inAcme }))).toThrow(refused('FORBIDDEN'));
    expect(() => createSchedule(db, acmeAdmin, ALL, scheduleInput({ target: inGlobex }))).toThrow(refused('FORBIDDEN'));
    expect(() => createSchedule(db, acmeAdmin, ALL, scheduleInput({ target: { kind: 'system' } }))).toThrow(refused('FORBIDDEN'));
    expect(countRows(db, 'job_schedules')).toBe(0);
    expect(countRows(db, 'audit_events')).toBe(0);

    expect(createSchedule(db, acmeAdmin, { kind: 'business', businessId: globex.id }, scheduleInput())).toMatchObject({
      businessId: acme.id,
      businessName: 'Acme',
    });
    expect(createSchedule(db, acmeAdmin, ALL, scheduleInput({ target: inAcme }))).toMatchObject({ businessId: acme.id });
    expect(createSchedule(db, root, ALL, scheduleInput({ target: inGlobex }))).toMatchObject({ businessId: globex.id, scope: 'business' });
    expect(createSchedule(db, root, { kind: 'business', businessId: globex.id }, scheduleInput())).toMatchObject({ businessId: globex.id });
    expect(createSchedule(db, root, ALL, scheduleInput({ target: { kind: 'system' } }))).toMatchObject({ scope: 'system', businessId: null });
    // No target and no business selected: a system admin without a business schedules system-wide.
    expect(createSchedule(db, root, ALL, scheduleInput())).toMatchObject({ scope: 'system', businessId: null });
    expect(countRows(db, 'job_schedules')).toBe(6);
  });

  it('records schedule.create with the actor and the schedule’s business', async () => {
    const { db, acme, acmeAdmin } = await platform();
    const schedule = createSchedule(db, acmeAdmin, ALL, scheduleInput({ name: 'Nightly probe', cron: '0 3 * * *' }), JAN_1);
    expect(readAuditEvents(db)).toEqual([
      {
        action: 'schedule.create',
        actorLabel: 'boss@acme.test',
        businessId: acme.id,
        details: expect.objectContaining({ name: 'Nightly probe', jobType: 'diagnostics.probe', cron: '0 3 * * *', timeZone: 'UTC' }),
      },
    ]);
    expect(schedule.createdAt).toBe(JAN_1);
    expect(iso(schedule.nextRunAt)).toBe('2026-01-01T03:00:00.000Z');
  });

  it('a disabled schedule has no next run; a disabled or missing business takes none', async () => {
    const { db, root, acme } = await platform();
    const paused = createSchedule(db, root, ALL, scheduleInput({ enabled: false, target: { kind: 'business', businessId: acme.id } }));
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    const closed = seedBusiness(db, { name: 'Closed', disabled: true });
    expect(() => createSchedule(db, root, ALL, scheduleInput({ target: { kind: 'business', businessId: closed.id } }))).toThrow(
      refusedField('target.businessId', /is disabled; enable it first/),
    );
    expect(() => createSchedule(db, root, ALL, scheduleInput({ target: { kind: 'business', businessId: 9999 } }))).toThrow(
      refused('NOT_FOUND'),
    );
    expect(countRows(db, 'job_schedules')).toBe(1);
  });

  it.each([
    ['a cron that does not parse', { cron: '61 * * * *' }, 'cron', /^Cron expression is not valid: .*minute/],
    ['a cron that is not a cron', { cron: 'whenever you like' }, 'cron', /^Cron expression /],
    ['a seconds-level six-field cron', { cron: '*/10 * * * * *' }, 'cron', /^Cron expression must have five fields .*once a minute/],
    ['a seven-field cron', { cron: '0 0 0 1 1 * 2030' }, 'cron', /^Cron expression /],
    ['an ISO date instead of a cron', { cron: '2026-03-01T10:00:00Z' }, 'cron', /^Cron expression /],
    ['a cron that never fires', { cron: '0 0 30 2 *' }, 'cron', /^Cron expression .*never fires/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone', /^Time zone "Mars\/Olympus_Mons" is not one this app knows/],
    ['an unknown job type', { jobType: 'reports.nonexistent' }, 'jobType', /^Job type "reports\.nonexistent" is not one this app knows/],
    ['a system job type for a business', { jobType: 'maintenance.backup' }, 'jobType', /^Back up the database runs system-wide/],
    ['params out of bounds', { params: { durationMs: -5 } }, 'params.durationMs', 'Duration must be at least 0 ms.'],
    ['a param the type does not have', { params: { colour: 'red' } }, 'params.colour', '“colour” is not a field this form knows.'],
  ])('refuses %s with VALIDATION naming the field, writing nothing', async (_what, request, path, message) => {
    const { db, acmeAdmin } = await platform();
    expect(() => createSchedule(db, acmeAdmin, ALL, scheduleInput(request))).toThrow(refusedField(path, message));
    expect(countRows(db, 'job_schedules')).toBe(0);
    expect(countRows(db, 'audit_events')).toBe(0);
  });

  it('refuses a business-only job type system-wide', async () => {
    const { db, root } = await platform();
    expect(() => createSchedule(db, root, ALL, scheduleInput({ jobType: 'reports.monthly_usage', target: { kind: 'system' } }))).toThrow(
      refusedField('target', /^Monthly usage report runs for one business; choose a business/),
    );
    expect(countRows(db, 'job_schedules')).toBe(0);
  });
});

describe('next runs in the schedule’s time zone', () => {
  const berlinDaily = { cron: '0 3 * * *', timeZone: 'Europe/Berlin' };

  it('03:00 Berlin stays 03:00 local across the March change (CET → CEST)', () => {
    const { nextRuns } = previewCron(previewCronInput.parse({ ...berlinDaily, count: 4 }), new Date('2026-03-27T12:00:00Z'));
    expect(nextRuns.map(iso)).toEqual([
      '2026-03-28T02:00:00.000Z', // CET, UTC+1
      '2026-03-29T01:00:00.000Z', // the change is at 02:00 that night; 03:00 is CEST, UTC+2
      '2026-03-30T01:00:00.000Z',
      '2026-03-31T01:00:00.000Z',
    ]);
  });

  it('and across the October change back (CEST → CET)', () => {
    const { nextRuns } = previewCron(previewCronInput.parse({ ...berlinDaily, count: 3 }), new Date('2026-10-24T12:00:00Z'));
    expect(nextRuns.map(iso)).toEqual(['2026-10-25T02:00:00.000Z', '2026-10-26T02:00:00.000Z', '2026-10-27T02:00:00.000Z']);
    expect(iso(computeNextRunAt('0 3 * * *', 'Europe/Berlin', new Date('2026-10-24T12:00:00Z')))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('a time inside the spring-forward gap runs once, just after it', () => {
    const { nextRuns } = previewCron(previewCronInput.parse({ cron: '30 2 * * *', timeZone: 'Europe/Berlin', count: 3 }), new Date('2026-03-28T12:00:00Z'));
    expect(nextRuns.map(iso)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('the next run is strictly after the given time', () => {
    expect(iso(computeNextRunAt('0 12 * * *', 'UTC', new Date('2026-03-27T12:00:00.000Z')))).toBe('2026-03-28T12:00:00.000Z');
    expect(iso(computeNextRunAt('0 12 * * *', 'UTC', new Date('2026-03-27T11:59:59.999Z')))).toBe('2026-03-27T12:00:00.000Z');
    expect(computeNextRunAt('0 0 30 2 *', 'UTC', new Date(JAN_1))).toBeNull();
  });

  it('a schedule made in Berlin gets its next run in Berlin time', async () => {
    const { db, acmeAdmin } = await platform();
    const schedule = createSchedule(db, acmeAdmin, ALL, scheduleInput(berlinDaily), Date.parse('2026-03-28T12:00:00Z'));
    expect(iso(schedule.nextRunAt)).toBe('2026-03-29T01:00:00.000Z');
    expect(schedule.timeZone).toBe('Europe/Berlin');
  });

  it('the cron helper refuses what schedules refuse', () => {
    expect(() => previewCron({ cron: '0 0 3 * * *', timeZone: 'UTC', count: 5 })).toThrow(refusedField('cron'));
    expect(() => previewCron({ cron: '0 3 * * *', timeZone: 'Nowhere/Land', count: 5 })).toThrow(refusedField('timeZone'));
    expect(previewCron(previewCronInput.parse({ cron: '*/15 * * * *' }), new Date(JAN_1)).nextRuns).toHaveLength(5);
  });

  it('nicknames pass the contract and the service; an empty expression is refused by name', () => {
    for (const cron of ['@daily', '@hourly', '@weekly']) {
      expect(previewCron(previewCronInput.parse({ cron, timeZone: 'UTC' }), new Date(JAN_1)).nextRuns, cron).toHaveLength(5);
    }
    expect(previewCron(previewCronInput.parse({ cron: '@daily', timeZone: 'UTC', count: 1 }), new Date(JAN_1)).nextRuns).toEqual([JAN_1 + 86_400_000]);
    expect(fieldIssuesOf(previewCronInput, { cron: '   ', timeZone: 'UTC' })).toEqual([{ path: 'cron', message: 'Cron expression is required.' }]);
  });
});

describe('changing, pausing and deleting', () => {
  it('a member may not; a business admin only their own business’s (others are NOT_FOUND); a system admin any', async () => {
    const { db, acme, root, acmeAdmin, acmeMember, acmeSchedule, globexSchedule, systemSchedule } = await threeSchedules();
    const rename = (id: number) => updateScheduleInput.parse({ id, name: 'renamed' });

    for (const id of [acmeSchedule.id, globexSchedule.id]) {
      expect(() => updateSchedule(db, acmeMember, ALL, rename(id))).toThrow(refused('FORBIDDEN'));
      expect(() => setScheduleEnabled(db, acmeMember, ALL, { id, enabled: false })).toThrow(refused('FORBIDDEN'));
      expect(() => deleteSchedule(db, acmeMember, ALL, { id })).toThrow(refused('FORBIDDEN'));
    }
    for (const id of [globexSchedule.id, systemSchedule.id, 424242]) {
      expect(() => updateSchedule(db, acmeAdmin, ALL, rename(id))).toThrow(refused('NOT_FOUND'));
      expect(() => setScheduleEnabled(db, acmeAdmin, ALL, { id, enabled: false })).toThrow(refused('NOT_FOUND'));
      expect(() => deleteSchedule(db, acmeAdmin, ALL, { id })).toThrow(refused('NOT_FOUND'));
    }
    // A system admin works in the switcher's selection, like with runs.
    const inAcme = { kind: 'business', businessId: acme.id } as const;
    expect(() => deleteSchedule(db, root, inAcme, { id: globexSchedule.id })).toThrow(refused('NOT_FOUND'));
    expect(() => deleteSchedule(db, root, inAcme, { id: systemSchedule.id })).toThrow(refused('NOT_FOUND'));
    expect(countRows(db, 'job_schedules')).toBe(3);
    expect(readAuditEvents(db).filter((event) => event.action !== 'schedule.create')).toEqual([]);

    expect(updateSchedule(db, acmeAdmin, ALL, rename(acmeSchedule.id))).toMatchObject({ name: 'renamed', businessName: 'Acme' });
    expect(updateSchedule(db, root, ALL, rename(globexSchedule.id))).toMatchObject({ name: 'renamed' });
    expect(setScheduleEnabled(db, root, { kind: 'system' }, { id: systemSchedule.id, enabled: false })).toMatchObject({ enabled: false });
    // The deleted schedule's owner comes back: the schedules.changed event is addressed by it.
    expect(deleteSchedule(db, acmeAdmin, ALL, { id: acmeSchedule.id })).toEqual({ id: acmeSchedule.id, scope: 'business', businessId: acmeSchedule.businessId });
    expect(deleteSchedule(db, root, ALL, { id: globexSchedule.id })).toEqual({ id: globexSchedule.id, scope: 'business', businessId: globexSchedule.businessId });
    expect(deleteSchedule(db, root, { kind: 'system' }, { id: systemSchedule.id })).toEqual({ id: systemSchedule.id, scope: 'system', businessId: null });
    expect(countRows(db, 'job_schedules')).toBe(0);
  });

  it('an update validates like a create, writes one schedule.update, and moves the next run', async () => {
    const { db, acme, acmeAdmin, acmeSchedule } = await threeSchedules();
    const before = countRows(db, 'audit_events');
    const bad = [
      [{ cron: '0 0 3 * * *' }, 'cron'],
      [{ timeZone: 'Atlantis/Capital' }, 'timeZone'],
      [{ params: { steps: 0 } }, 'params.steps'],
      [{ name: '   ' }, 'name'],
    ] as const;
    for (const [change, path] of bad) {
      expect(() => updateSchedule(db, acmeAdmin, ALL, { id: acmeSchedule.id, ...change })).toThrow(refusedField(path));
    }
    expect(listSchedules(db, acmeAdmin, ALL)).toEqual([acmeSchedule]);
    expect(countRows(db, 'audit_events')).toBe(before);

    const now = Date.parse('2026-02-10T08:07:00Z');
    const updated = updateSchedule(
      db,
      acmeAdmin,
      ALL,
      updateScheduleInput.parse({ id: acmeSchedule.id, cron: '0 9 * * 1-5', timeZone: 'America/New_York', params: { steps: 2 }, missedRunPolicy: 'run_once' }),
      now,
    );
    expect(updated).toMatchObject({ cron: '0 9 * * 1-5', timeZone: 'America/New_York', params: { durationMs: 2000, steps: 2, fail: false } });
    expect(updated.missedRunPolicy).toBe('run_once');
    expect(iso(updated.nextRunAt)).toBe('2026-02-10T14:00:00.000Z'); // 09:00 EST
    expect(updated.updatedAt).toBe(now);
    const events = readAuditEvents(db).slice(before);
    expect(events).toEqual([
      {
        action: 'schedule.update',
        actorLabel: 'boss@acme.test',
        businessId: acme.id,
        details: expect.objectContaining({
          changes: expect.objectContaining({ cron: { from: '*/5 * * * *', to: '0 9 * * 1-5' }, missedRunPolicy: { from: 'skip', to: 'run_once' } }),
        }),
      },
    ]);
    // Nothing to change: nothing written.
    updateSchedule(db, acmeAdmin, ALL, updateScheduleInput.parse({ id: acmeSchedule.id, cron: '0 9 * * 1-5' }));
    expect(countRows(db, 'audit_events')).toBe(before + 1);
  });

  it('pausing clears the next run, enabling computes it from now; each is audited once', async () => {
    const { db, globex, root, globexSchedule } = await threeSchedules();
    const before = countRows(db, 'audit_events');
    const paused = setScheduleEnabled(db, root, ALL, { id: globexSchedule.id, enabled: false }, Date.UTC(2026, 1, 1));
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    expect(setScheduleEnabled(db, root, ALL, { id: globexSchedule.id, enabled: false })).toEqual(paused);
    const resumedAt = Date.parse('2026-05-05T10:02:30Z');
    const resumed = setScheduleEnabled(db, root, ALL, { id: globexSchedule.id, enabled: true }, resumedAt);
    expect(resumed.enabled).toBe(true);
    expect(iso(resumed.nextRunAt)).toBe('2026-05-05T10:05:00.000Z');
    expect(readAuditEvents(db).slice(before)).toEqual([
      expect.objectContaining({ action: 'schedule.pause', actorLabel: 'root@example.test', businessId: globex.id }),
      expect.objectContaining({ action: 'schedule.enable', actorLabel: 'root@example.test', businessId: globex.id }),
    ]);
  });

  it('deleting keeps the runs it created (they lose the link) and records schedule.delete', async () => {
    const { db, acme, acmeAdmin, acmeSchedule, systemSchedule, root } = await threeSchedules();
    db.sqlite
      .prepare(
        `INSERT INTO job_runs (scope, business_id, job_type, status, trigger, schedule_id, created_at)
         VALUES ('business', ?, 'diagnostics.probe', 'completed', 'schedule', ?, 1)`,
      )
      .run(acme.id, acmeSchedule.id);
    deleteSchedule(db, acmeAdmin, ALL, { id: acmeSchedule.id });
    deleteSchedule(db, root, ALL, { id: systemSchedule.id });
    expect(db.sqlite.prepare('SELECT business_id AS businessId, schedule_id AS scheduleId FROM job_runs').all()).toEqual([
      { businessId: acme.id, scheduleId: null },
    ]);
    const deletes = readAuditEvents(db).filter((event) => event.action === 'schedule.delete');
    expect(deletes).toEqual([
      expect.objectContaining({ actorLabel: 'boss@acme.test', businessId: acme.id, details: expect.objectContaining({ name: 'b acme probe' }) }),
      expect.objectContaining({ actorLabel: 'root@example.test', businessId: null, details: expect.objectContaining({ name: 'a nightly backup' }) }),
    ]);
  });
});
