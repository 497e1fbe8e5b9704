// THE IPC contract: every channel's input and output as zod schemas. Main binds it once (src-main/ipc),
// the preload and the renderer's client are typed from it. Objects are strict: unknown fields are refused.
import { z } from 'zod';
import { type AppEventName, type Channel } from './channels';
import { type Envelope } from './errors';

export { APP_EVENTS, CHANNELS, type AppEventName, type Channel } from './channels';

// ---- Shared shapes ------------------------------------------------------------------------------

const count = z.number().int().nonnegative();

/** A database converted from the server edition (src-main/db/legacy/adopt.ts AdoptionReport). */
export const adoptionReportSchema = z.strictObject({
  revision: z.string().nullable(),
  shape: z.enum(['pre_tenant', 'tenant']),
  backupPath: z.string(),
  businesses: count,
  users: count,
  runs: count,
  orphans: count,
  durationMs: z.number().nonnegative(),
  notes: z.array(z.string()),
  phaseMs: z.record(z.string(), z.number().nonnegative()),
});

/** What a database holds (src-main/services/database-info.ts DatabaseInfo). */
export const databaseInfoSchema = z.strictObject({
  path: z.string(),
  schemaVersion: count,
  sqliteVersion: z.string(),
  fileBytes: count,
  counts: z.strictObject({
    businesses: count,
    users: count,
    runs: count,
    systemRuns: count,
    orphanRuns: count,
    schedules: count,
    auditEvents: count,
  }),
  adoption: adoptionReportSchema.nullable(),
});

/** What this start did to the file (src-main/db/startup.ts StartupReport, minus what `info` already says). */
export const startupSummarySchema = z.strictObject({
  created: z.boolean(),
  migrated: z.strictObject({ from: count, to: count, backupPath: z.string().nullable() }).nullable(),
  adoption: adoptionReportSchema.nullable(),
});

/** Why the database could not be opened: src-main/db/startup.ts StartupFailure, plus anything unforeseen. */
export const STARTUP_FAILURE_REASONS = [
  'cannot_open',
  'not_an_app_database',
  'newer_schema',
  'adoption_declined',
  'adoption_failed',
  'migration_failed',
  'foreign_key_violations',
  'unexpected',
] as const;
export type StartupFailureReason = (typeof STARTUP_FAILURE_REASONS)[number];

export const appStatusSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('ready'), info: databaseInfoSchema, startup: startupSummarySchema }),
  z.strictObject({
    state: z.literal('failed'),
    reason: z.enum(STARTUP_FAILURE_REASONS),
    message: z.string(),
    path: z.string(),
    /** A copy made before the failed step: the operator's way back. */
    backupPath: z.string().nullable(),
  }),
]);

// ---- Channels and events ------------------------------------------------------------------------

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
}

export type ContractShape = Record<string, ChannelSpec>;

export const contract = {
  'app.status': { input: z.strictObject({}), output: appStatusSchema },
} as const satisfies Record<Channel, ChannelSpec>;

export type Contract = typeof contract;

/** Payloads of pushed events. */
export const appEvents = {
  /** After a write: which tables changed, so the renderer refreshes exactly what read them. */
  'database.changed': z.strictObject({ tables: z.array(z.string()) }),
} as const satisfies Record<AppEventName, z.ZodType>;

export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;
export type AppEventPayload<E extends AppEventName> = z.output<(typeof appEvents)[E]>;

export type AppStatus = z.output<typeof appStatusSchema>;
export type DatabaseInfoView = z.output<typeof databaseInfoSchema>;
export type AdoptionReportView = z.output<typeof adoptionReportSchema>;
export type StartupSummary = z.output<typeof startupSummarySchema>;

export type AppEventListener<E extends AppEventName> = (payload: AppEventPayload<E>) => void;

export type ChannelCall<C extends Channel> = (input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;
export type ContractInvokers = { [C in Channel]: ChannelCall<C> };

/** What the preload exposes as `window.api`: one method per channel, and `on` for pushed events. */
export type ContractClient = ContractInvokers & {
  on<E extends AppEventName>(event: E, listener: AppEventListener<E>): () => void;
};
