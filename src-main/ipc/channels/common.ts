// What every domain's channels share: the table of handlers the contract asks for, the engine they are bound over,
// and the announcement that tables changed. A channel's handler is thin: the dispatcher has parsed the input and
// admitted the caller by the channel's declared access (src-shared/contract.ts), so it gets the Actor and, on a
// tenant channel, the scope; the domain function does the work and returns the view. What stays in the handlers and
// the domains are the rules that depend on the row (this run, this user, this business).
import { type Channel } from '../../../src-shared/channels';
import { type ChannelOutput, type Contract } from '../../../src-shared/contract';
import { type Actor } from '../../access/policy';
import { type AppDatabase } from '../../db/connection';
import { type Runner } from '../../jobs/runner';
import { type Scheduler } from '../../jobs/scheduler';
import { type ReadPool } from '../../reads/pool';
import { type SessionStore } from '../../sessions';
import { type InTenant, type RequestContext, type SignedIn } from '../access';
import { type HandlersFor } from '../dispatch';
import { type AppEventBus } from '../events';

/** One handler per contract channel, each typed by the channel's input, output and declared access. */
export type ContractHandlers = HandlersFor<Contract, RequestContext, SignedIn, InTenant>;
/** Everything but app.status, which answers before (and without) a database. */
export type DatabaseChannel = Exclude<Channel, 'app.status'>;
export type DatabaseHandlers = Pick<ContractHandlers, DatabaseChannel>;

/** The channels of one domain, by their names' prefixes (`jobs.` …): a channel added to the contract is a compile error until its domain handles it. */
export type ChannelsOf<Prefix extends string> = Extract<DatabaseChannel, `${Prefix}.${string}`>;
/** The handlers of one domain's channels. */
export type HandlersOf<Prefix extends string> = Pick<ContractHandlers, ChannelsOf<Prefix>>;

export interface ChannelDeps {
  db: AppDatabase;
  sessions: SessionStore;
  events: AppEventBus;
  /** Runs pending runs (wake it after creating one) and cancels running ones. */
  runner: Runner;
  /** Re-arms its timer after any schedule change. */
  scheduler: Scheduler;
  /** Runs the heavy reads (src-main/reads/queries.ts) off the main thread. */
  reads: ReadPool;
  /** Puts a backup, by its name, in the database's place in the running app (src-main/app-restore.ts). */
  restore: (backupName: string, actor: Actor) => Promise<ChannelOutput<'backups.restore'>>;
  /** The migrations this app knows (a backup's schema is read against them); default: the app's own. */
  migrationsFolder?: string;
}

/** These users' own access changed: their sessions read who they are again (before any of them is ended). */
export function publishAccountsChanged(events: AppEventBus, userIds: readonly number[]): void {
  for (const userId of userIds) events.publish('account.changed', { userId });
}

/** Users, businesses or runs changed wholesale: system admins' renderers refresh what read these tables. */
export function publishTablesChanged(events: AppEventBus, ...tables: string[]): void {
  events.publish('database.changed', { tables });
}
