// The audit log as it crosses the IPC boundary: one event, and the filtered, paged list.
import { z } from 'zod';
import { epochMsSchema, idSchema, instantSchema } from './common';

export const auditEventSchema = z.strictObject({
  id: idSchema,
  at: epochMsSchema,
  actorUserId: idSchema.nullable(),
  actorLabel: z.string(),
  actorRole: z.string().nullable(),
  actorBusinessId: idSchema.nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** The target as people read it now: a user's display name or email, a business's or schedule's name, "run #6", a file's name; null when it no longer exists. */
  targetName: z.string().nullable(),
  businessId: idSchema.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.output<typeof auditEventSchema>;

/** What an audit event can be about: a run, several runs at once, a schedule, a user, a business, a file, a switcher scope. */
export const AUDIT_TARGET_TYPES = ['job_run', 'job_runs', 'schedule', 'user', 'business', 'file', 'scope', 'view'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
/** The longest target id the filter takes (a file's path is the longest kind). */
export const MAX_AUDIT_TARGET_ID = 1000;

export const listAuditEventsInput = z.strictObject({
  filters: z
    .strictObject({
      actions: z.array(z.string().min(1).max(100)).max(50).optional(),
      actorUserId: idSchema.optional().meta({ title: 'Actor' }),
      /** The events about targets of this type; with targetId, about that one target. */
      targetType: z.enum(AUDIT_TARGET_TYPES).optional().meta({ title: 'Target type' }),
      /** As recorded: a run's, user's, business's or schedule's id, a file's name, a scope's kind. */
      targetId: z.string().trim().min(1).max(MAX_AUDIT_TARGET_ID).optional().meta({ title: 'Target' }),
      from: instantSchema.optional(),
      to: instantSchema.optional(),
    })
    .refine((filters) => filters.targetId === undefined || filters.targetType !== undefined, {
      message: 'needs a target type',
      path: ['targetId'],
    })
    .default({}),
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListAuditEventsInput = z.output<typeof listAuditEventsInput>;
export const auditEventPageSchema = z.strictObject({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });
