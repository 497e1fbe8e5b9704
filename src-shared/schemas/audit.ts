// The audit log as it crosses the IPC boundary: one event, and the filtered, paged list.
import { z } from 'zod';
import { epochMsSchema, idSchema } from './common';

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
  businessId: idSchema.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.output<typeof auditEventSchema>;

export const listAuditEventsInput = z.strictObject({
  filters: z
    .strictObject({
      actions: z.array(z.string().min(1).max(100)).max(50).optional(),
      actorUserId: idSchema.optional(),
      from: epochMsSchema.optional(),
      to: epochMsSchema.optional(),
    })
    .default({}),
  cursor: z.string().max(512).nullable().default(null),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListAuditEventsInput = z.output<typeof listAuditEventsInput>;
export const auditEventPageSchema = z.strictObject({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });
