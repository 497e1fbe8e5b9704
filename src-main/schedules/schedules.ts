// Cron schedules: who may see and change them, and the one place that reads a cron expression.
// A schedule belongs to one business (or is system-wide) exactly like the runs it creates; the scheduler
// (src-main/jobs/scheduler.ts) creates those runs in the schedule's own business and nowhere else.
// Every change is one immediate transaction with one audit event.
import { Cron } from 'croner';
import { tagsJson, tagsOf } from '../../src-shared/tags';
import { and, asc, eq, sql } from 'drizzle-orm';
import { AppError, invalidField } from '../../src-shared/errors';
import type { ScopeSelection } from '../../src-shared/schemas/accounts';
import type { createScheduleInput, previewCronInput, ScheduleView, updateScheduleInput } from '../../src-shared/schemas/schedules';
import type { z } from 'zod';
import { requireReach, resolveRunTarget, tenantScopeFor, type Actor } from '../access/policy';
import { inImmediateTransaction, type AppDatabase } from '../db/connection';
import { businesses, jobSchedules, type JobScheduleRow } from '../db/schema';
import { findJobType, unknownJobTypeError, validateJobParams, type JobTypeInfo } from '../jobs/catalog';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { requireEnabledBusiness } from '../accounts/businesses';
import { type RunTarget, type TenantScope } from '../../src-shared/tenancy';
import { scheduleScopeCondition } from '../tenancy/owner-sql';
import type { RunScope } from '../../src-shared/domain';
import { requireTimeZone } from '../../src-shared/time-zone';

export type CreateScheduleInput = z.output<typeof createScheduleInput>;
export type UpdateScheduleInput = z.output<typeof updateScheduleInput>;
export type PreviewCronInput = z.output<typeof previewCronInput>;

// ---- Cron expressions -----------------------------------------------------------------------------

/**
 * A cron expression checked the one way the app accepts it: five fields (minute hour day-of-month month
 * day-of-week) or a nickname such as `@daily`, in an IANA time zone this runtime knows. Six- and seven-field
 * patterns (seconds, years) are refused: a schedule runs at most once a minute. VALIDATION names the field.
 */
export function parseCron(cron: string, timeZone: string): Cron {
  requireTimeZone(timeZone);
  const pattern = typeof cron === 'string' ? cron.trim() : '';
  const fields = pattern.split(/\s+/).filter((field) => field.length > 0);
  if (!pattern.startsWith('@') && fields.length !== 5) {
    const why =
      fields.length === 6 || fields.length === 7
        ? 'it has a seconds field, and a schedule runs at most once a minute'
        : `it has ${fields.length} field${fields.length === 1 ? '' : 's'}`;
    throw invalidField('cron', `Cron expression must have five fields (minute hour day-of-month month day-of-week); ${why}.`);
  }
  try {
    return new Cron(pattern, { timezone: timeZone, paused: true, mode: '5-part' });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    throw invalidField('cron', `Cron expression is not valid: ${message}.`);
  }
}

/**
 * The first time after `after` (strictly) that the expression fires in its time zone, as epoch ms; null
 * when it never fires again (e.g. `0 0 30 2 *`). DST follows croner: a local time that does not exist
 * (spring forward) runs at the first valid time after the gap, a repeated one (fall back) runs once.
 * Throws VALIDATION for an expression or zone the app does not accept.
 */
export function computeNextRunAt(cron: string, timeZone: string, after: Date): number | null {
  return parseCron(cron, timeZone).nextRun(after)?.getTime() ?? null;
}

/** The cron helper: the next `count` times the expression fires, from `now`. */
export function previewCron(input: PreviewCronInput, now: Date = new Date()): { nextRuns: number[] } {
  const count = Number.isSafeInteger(input.count) && input.count >= 1 && input.count <= 20 ? input.count : 5;
  return { nextRuns: parseCron(input.cron, input.timeZone).nextRuns(count, now).map((date) => date.getTime()) };
}

/** Like computeNextRunAt, and VALIDATION when the expression never fires: a schedule must run some day. */
function requireNextRunAt(cron: string, timeZone: string, after: Date): number {
  const next = computeNextRunAt(cron, timeZone, after);
  if (next === null) throw invalidField('cron', `Cron expression ${JSON.stringify(cron.trim())} never fires.`);
  return next;
}

// ---- Views and scope ------------------------------------------------------------------------------

export function toScheduleView(row: JobScheduleRow, businessName: string | null): ScheduleView {
  return {
    id: row.id,
    scope: row.scope,
    businessId: row.businessId,
    businessName,
    name: row.name,
    jobType: row.jobType,
    params: row.params,
    tags: tagsOf(row.tags),
    cron: row.cron,
    timeZone: row.timezone,
    enabled: row.enabled,
    missedRunPolicy: row.missedRunPolicy,
    nextRunAt: row.nextRunAt,
    lastRunAt: row.lastRunAt,
    createdByUserId: row.createdByUserId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}


function selectSchedules(db: AppDatabase) {
  return db.orm
    .select({ schedule: jobSchedules, businessName: businesses.name })
    .from(jobSchedules)
    .leftJoin(businesses, eq(businesses.id, jobSchedules.businessId));
}

/** A schedule outside the scope reads exactly like a missing one, so its existence does not leak. */
function requireScheduleInScope(db: AppDatabase, scope: TenantScope, id: number): { schedule: JobScheduleRow; businessName: string | null } {
  const found =
    Number.isSafeInteger(id) && id > 0
      ? selectSchedules(db)
          .where(and(scheduleScopeCondition(scope), eq(jobSchedules.id, id)))
          .get()
      : undefined;
  if (!found) throw new AppError('NOT_FOUND', `There is no schedule ${id}.`);
  return found;
}

// ---- Reading --------------------------------------------------------------------------------------

/** schedules.read: members and business admins their own business's; a system admin per the switcher. By name. */
export function listSchedules(db: AppDatabase, actor: Actor, selection: ScopeSelection): ScheduleView[] {
  const scope = tenantScopeFor(actor, selection, 'schedules.read');
  return selectSchedules(db)
    .where(scheduleScopeCondition(scope))
    .orderBy(asc(sql`${jobSchedules.name} COLLATE NOCASE`), asc(jobSchedules.id))
    .all()
    .map((row) => toScheduleView(row.schedule, row.businessName));
}

// ---- Changing -------------------------------------------------------------------------------------

function requireJobTypeFor(key: string, target: RunTarget): JobTypeInfo {
  const jobType = findJobType(key);
  if (!jobType) throw unknownJobTypeError(key);
  if (target.kind === 'business' && jobType.scope === 'system') {
    throw invalidField('jobType', `${jobType.title} runs system-wide; it cannot be scheduled for a business.`);
  }
  if (target.kind === 'system' && jobType.scope === 'business') {
    throw invalidField('target', `${jobType.title} runs for one business; choose a business, not system-wide.`);
  }
  return jobType;
}

/**
 * schedules.manage. Where: resolveRunTarget (a business admin only in their own business, a system admin
 * anywhere incl. system-wide). The job type must be registered and fit the target, its params valid, the
 * cron parse and fire some day, the time zone exist.
 */
export function createSchedule(
  db: AppDatabase,
  actor: Actor,
  selection: ScopeSelection,
  input: CreateScheduleInput,
  now: number = Date.now(),
): ScheduleView {
  requireReach(actor, 'schedules.manage');
  const target = resolveRunTarget(actor, selection, input.target);
  const jobType = requireJobTypeFor(input.jobType, target);
  const params = validateJobParams(jobType.key, input.params ?? {});
  const timeZone = input.timeZone ?? 'UTC';
  const cron = input.cron.trim();
  const nextRunAt = requireNextRunAt(cron, timeZone, new Date(now));
  const enabled = input.enabled ?? true;
  const missedRunPolicy = input.missedRunPolicy ?? 'skip';
  const name = input.name.trim();
  if (name.length === 0) throw invalidField('name', 'Name is required.');

  return inImmediateTransaction(db, (tx) => {
    const businessName = target.kind === 'business' ? requireEnabledBusiness(tx, target.businessId, 'target.businessId').name : null;
    const row = tx.orm
      .insert(jobSchedules)
      .values({
        scope: target.kind,
        businessId: target.kind === 'business' ? target.businessId : null,
        name,
        jobType: jobType.key,
        params,
        tags: tagsJson(input.tags),
        cron,
        timezone: timeZone,
        enabled,
        missedRunPolicy,
        nextRunAt: enabled ? nextRunAt : null,
        lastRunAt: null,
        createdByUserId: actor.userId,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    recordScheduleEvent(tx, actor, 'schedule.create', row, now, {
      name: row.name,
      jobType: row.jobType,
      cron: row.cron,
      timeZone: row.timezone,
      enabled: row.enabled,
      missedRunPolicy: row.missedRunPolicy,
      ...(row.tags === null ? {} : { tags: tagsOf(row.tags) }),
    });
    return toScheduleView(row, businessName);
  });
}

/**
 * schedules.manage, on a schedule in reach (else NOT_FOUND). Changing the cron or time zone of an enabled
 * schedule recomputes its next run from now. Nothing changed: nothing written, no audit event.
 */
export function updateSchedule(
  db: AppDatabase,
  actor: Actor,
  selection: ScopeSelection,
  input: UpdateScheduleInput,
  now: number = Date.now(),
): ScheduleView {
  const scope = tenantScopeFor(actor, selection, 'schedules.manage');
  return inImmediateTransaction(db, (tx) => {
    const { schedule, businessName } = requireScheduleInScope(tx, scope, input.id);
    const changes: Partial<Pick<JobScheduleRow, 'name' | 'params' | 'tags' | 'cron' | 'timezone' | 'missedRunPolicy' | 'nextRunAt'>> = {};
    const changed: Record<string, { from: unknown; to: unknown }> = {};

    if (input.name !== undefined) {
      const name = input.name.trim();
      if (name.length === 0) throw invalidField('name', 'Name is required.');
      if (name !== schedule.name) {
        changes.name = name;
        changed.name = { from: schedule.name, to: name };
      }
    }
    if (input.params !== undefined) {
      const params = validateJobParams(schedule.jobType, input.params);
      if (JSON.stringify(params) !== JSON.stringify(schedule.params)) {
        changes.params = params;
        changed.params = { from: schedule.params, to: params };
      }
    }
    if (input.tags !== undefined) {
      const tags = tagsJson(input.tags);
      if (tags !== schedule.tags) {
        changes.tags = tags;
        changed.tags = { from: tagsOf(schedule.tags), to: tagsOf(tags) };
      }
    }
    const cron = input.cron?.trim() ?? schedule.cron;
    const timeZone = input.timeZone ?? schedule.timezone;
    if (cron !== schedule.cron || timeZone !== schedule.timezone) {
      const nextRunAt = requireNextRunAt(cron, timeZone, new Date(now));
      if (cron !== schedule.cron) {
        changes.cron = cron;
        changed.cron = { from: schedule.cron, to: cron };
      }
      if (timeZone !== schedule.timezone) {
        changes.timezone = timeZone;
        changed.timeZone = { from: schedule.timezone, to: timeZone };
      }
      if (schedule.enabled) changes.nextRunAt = nextRunAt;
    }
    if (input.missedRunPolicy !== undefined && input.missedRunPolicy !== schedule.missedRunPolicy) {
      changes.missedRunPolicy = input.missedRunPolicy;
      changed.missedRunPolicy = { from: schedule.missedRunPolicy, to: input.missedRunPolicy };
    }
    if (Object.keys(changed).length === 0) return toScheduleView(schedule, businessName);

    const row = tx.orm
      .update(jobSchedules)
      .set({ ...changes, updatedAt: now })
      .where(eq(jobSchedules.id, schedule.id))
      .returning()
      .get();
    recordScheduleEvent(tx, actor, 'schedule.update', row, now, { name: row.name, changes: changed });
    return toScheduleView(row, businessName);
  });
}

/** Pausing clears the next run; enabling computes it afresh from now (missed times are not caught up). */
export function setScheduleEnabled(
  db: AppDatabase,
  actor: Actor,
  selection: ScopeSelection,
  input: { id: number; enabled: boolean },
  now: number = Date.now(),
): ScheduleView {
  const scope = tenantScopeFor(actor, selection, 'schedules.manage');
  return inImmediateTransaction(db, (tx) => {
    const { schedule, businessName } = requireScheduleInScope(tx, scope, input.id);
    if (schedule.enabled === input.enabled) return toScheduleView(schedule, businessName);
    const nextRunAt = input.enabled ? requireNextRunAt(schedule.cron, schedule.timezone, new Date(now)) : null;
    const row = tx.orm
      .update(jobSchedules)
      .set({ enabled: input.enabled, nextRunAt, updatedAt: now })
      .where(eq(jobSchedules.id, schedule.id))
      .returning()
      .get();
    recordScheduleEvent(tx, actor, input.enabled ? 'schedule.enable' : 'schedule.pause', row, now, { name: row.name });
    return toScheduleView(row, businessName);
  });
}

/** Which schedule a write touched, and whose it is: what the `schedules.changed` event carries. */
export interface ScheduleOwner {
  id: number;
  scope: RunScope;
  businessId: number | null;
}

/** The runs it created stay (their schedule_id becomes NULL). Returns the deleted schedule's owner. */
export function deleteSchedule(
  db: AppDatabase,
  actor: Actor,
  selection: ScopeSelection,
  input: { id: number },
  now: number = Date.now(),
): ScheduleOwner {
  const scope = tenantScopeFor(actor, selection, 'schedules.manage');
  return inImmediateTransaction(db, (tx) => {
    const { schedule } = requireScheduleInScope(tx, scope, input.id);
    tx.orm.delete(jobSchedules).where(eq(jobSchedules.id, schedule.id)).run();
    recordScheduleEvent(tx, actor, 'schedule.delete', schedule, now, {
      name: schedule.name,
      jobType: schedule.jobType,
      cron: schedule.cron,
      timeZone: schedule.timezone,
    });
    return { id: schedule.id, scope: schedule.scope, businessId: schedule.businessId };
  });
}

function recordScheduleEvent(
  db: AppDatabase,
  actor: Actor,
  action: 'schedule.create' | 'schedule.update' | 'schedule.enable' | 'schedule.pause' | 'schedule.delete',
  schedule: JobScheduleRow,
  at: number,
  details: Record<string, unknown>,
): void {
  recordAuditEvent(db, {
    actor: userAuditActor(actor),
    action,
    target: { type: 'schedule', id: schedule.id },
    businessId: schedule.businessId,
    details,
    at,
  });
}
