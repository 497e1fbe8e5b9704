// Recording who did what. The table is append-only (triggers refuse UPDATE and DELETE).
import type { UserRole } from '../../src-shared/domain';
import type { AuditTargetType } from '../../src-shared/schemas/audit';
import type { AppDatabase } from '../db/connection';
import { auditEvents } from '../db/schema';

/** Who acts: a signed-in user, the app itself (`cli`, `system`, `scheduler`, `startup`), or `anonymous`. */
export type AuditActor =
  | { kind: 'user'; userId: number; label: string; role: UserRole; businessId: number | null }
  /** `anonymous`: someone not signed in, e.g. a sign-in attempt with an unknown email. */
  | { kind: 'app'; label: 'cli' | 'system' | 'scheduler' | 'startup' | 'anonymous' };

/** The audit actor for a signed-in user (src-main/access/policy.ts Actor). */
export function userAuditActor(actor: { userId: number; email: string; role: UserRole; businessId: number | null }): AuditActor {
  return { kind: 'user', userId: actor.userId, label: actor.email, role: actor.role, businessId: actor.businessId };
}

export interface AuditEventInput {
  actor: AuditActor;
  action: string;
  target?: { type: AuditTargetType; id: string | number | null };
  /** The business the target belongs to; null for system-wide targets. */
  businessId?: number | null;
  details?: Record<string, unknown>;
  at?: number;
}

export function recordAuditEvent(db: AppDatabase, event: AuditEventInput): number {
  const actor = event.actor;
  const row = db.orm
    .insert(auditEvents)
    .values({
      at: event.at ?? Date.now(),
      actorUserId: actor.kind === 'user' ? actor.userId : null,
      actorLabel: actor.label,
      actorRole: actor.kind === 'user' ? actor.role : null,
      actorBusinessId: actor.kind === 'user' ? actor.businessId : null,
      action: event.action,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id == null ? null : String(event.target.id),
      businessId: event.businessId ?? null,
      details: event.details ?? {},
    })
    .returning({ id: auditEvents.id })
    .get();
  return row.id;
}
