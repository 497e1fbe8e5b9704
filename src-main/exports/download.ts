// An export handed to the person who made it: the browser shell turns it into a download, the desktop app into
// a save dialog (exports/save-copy.ts). The audit log is the record of who made which file: a file is handed
// only to the user its jobs.export or metrics.export event names, and, for a member or business admin, only
// while they still work in the business it came from. Anyone else gets the NOT_FOUND of a file that is not there.
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../src-shared/errors';
import { type DownloadExportInput, type ExportDownloadView } from '../../src-shared/schemas/exports';
import { ownBusiness, type Actor } from '../access/policy';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { type AppDatabase } from '../db/connection';
import { exportsFolderFor } from '../db/paths';
import { auditEvents } from '../db/schema';

/** The audit actions that write an export into the exports folder. */
export const EXPORT_ACTIONS = ['jobs.export', 'metrics.export'] as const;

export function downloadExport(db: AppDatabase, actor: Actor, input: DownloadExportInput): ExportDownloadView {
  const file = path.join(exportsFolderFor(db.path), input.fileName);
  const made = db.orm
    .select({ actorUserId: auditEvents.actorUserId, businessId: auditEvents.businessId })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetType, 'file'), eq(auditEvents.targetId, file), inArray(auditEvents.action, [...EXPORT_ACTIONS])))
    .orderBy(desc(auditEvents.id))
    .get();
  const mine = made !== undefined && made.actorUserId === actor.userId;
  if (!mine) throw noSuchExport(input.fileName);
  if (actor.role !== 'system_admin' && made.businessId !== ownBusiness(actor)) throw noSuchExport(input.fileName);
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `The export ${input.fileName} is no longer in the exports folder; export it again.`);
    throw error;
  }
  recordAuditEvent(db, {
    actor: userAuditActor(actor),
    action: 'exports.download',
    target: { type: 'file', id: file },
    businessId: made.businessId,
    details: { bytes: Buffer.byteLength(content) },
  });
  return { fileName: input.fileName, content };
}

function noSuchExport(fileName: string): AppError {
  return new AppError('NOT_FOUND', `There is no export named ${fileName} of yours.`);
}
