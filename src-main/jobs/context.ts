// What a job handler gets to work with: the database, its own run and tenant scope, progress, folders, time.
import type { AppDatabase } from '../db/connection';
import type { AuditActor } from '../audit/record';
import type { TenantScope } from '../../src-shared/tenancy';
import type { JobRunView } from '../../src-shared/schemas/jobs';

export interface JobContext {
  db: AppDatabase;
  /** The run being executed, as it was when the runner started it. */
  run: JobRunView;
  /** The run's own scope: its business, or system-wide. Handlers touch nothing outside it. */
  scope: Extract<TenantScope, { kind: 'business' } | { kind: 'system' }>;
  /** A fraction from 0 to 1 and an optional line for the UI; the runner throttles the writes. */
  reportProgress(fraction: number, message?: string): void;
  exportsFolder: string;
  now(): Date;
  /** Who the run acts for in the audit log: the user who triggered it, the scheduler, or the system. */
  actor: AuditActor;
}

/** A handler: does the work, honours `signal` between steps, and returns a JSON-serialisable result. */
export type JobHandler<Params> = (ctx: JobContext, params: Params, signal: AbortSignal) => Promise<unknown>;
