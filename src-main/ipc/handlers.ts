// One handler per contract channel, over an open database. Each is thin: the dispatcher has parsed the
// input; here the session gives the Actor (loaded fresh from the database) and the policy gives the scope;
// the service does the work and returns the view. Public channels: auth.status, auth.setup, auth.login
// (and app.status, in app-core). Every other channel needs a session; the jobs.* channels are tenant channels;
// the orphans.* channels are for system administrators only (orphans.manage).
import { type Channel } from '../../src-shared/channels';
import { type Contract } from '../../src-shared/contract';
import { AppError } from '../../src-shared/errors';
import { type SessionView } from '../../src-shared/schemas/accounts';
import { type Actor, checkScopeSelection, requireReach, resolveRunTarget } from '../access/policy';
import { type AppDatabase } from '../db/connection';
import { exportsFolderFor } from '../db/paths';
import { type Runner } from '../jobs/runner';
import { type Scheduler } from '../schedules/scheduler';
import { getUserView, loadActor, login, needsSetup, setupFirstAdmin } from '../services/accounts';
import { recordAuditEvent, userAuditActor } from '../services/audit';
import { getRunAuditTrail, listAuditEvents } from '../services/audit-log';
import { bulkCancelRuns, bulkRetryRuns, exportRunsCsv, previewBulkAction } from '../services/bulk-runs';
import {
  createBusinessAs,
  deleteBusiness,
  getBusiness,
  listBusinessViews,
  previewBusinessDeletion,
  renameBusiness,
  setBusinessDisabled,
} from '../services/businesses';
import {
  cancelJobRun,
  createJobRun,
  retryJobRun,
  getActiveJobRuns,
  getJobRun,
  getJobRunStats,
  getJobTypes,
  getRecentJobRuns,
  listJobRuns,
} from '../services/job-runs';
import {
  assignOrphans,
  checkRuns,
  deleteOrphans,
  listOrphans,
  previewOrphanAssignment,
  previewOrphanDeletion,
} from '../services/orphans';
import { assignSuggestedOrphans, suggestOrphanAssignments } from '../services/orphan-suggestions';
import { createSchedule, deleteSchedule, listSchedules, previewCron, setScheduleEnabled, updateSchedule, type ScheduleOwner } from '../services/schedules';
import { type TenantScope } from '../services/tenant-scope';
import { getUsage, writeUsageCsv } from '../services/usage';
import { createUser, deleteUser, listUsers, setUserDisabled, setUserPassword, updateUser } from '../services/users';
import {
  activeSelection,
  selectionAtSignIn,
  type Session,
  type SessionHandle,
  type SessionStore,
  sessionTenantScope,
  visibleSelection,
} from '../sessions';
import { type HandlersFor } from './dispatch';
import { type AppEventBus } from './events';

/** Who is calling: the shell, and its handle on the caller's session. Never a user or tenant named by the renderer. */
export interface RequestContext {
  shell: 'electron' | 'http';
  session: SessionHandle;
}

export type ContractHandlers = HandlersFor<Contract, RequestContext>;
/** Everything but app.status, which answers before (and without) a database. */
export type DatabaseChannel = Exclude<Channel, 'app.status'>;
export type DatabaseHandlers = Pick<ContractHandlers, DatabaseChannel>;

export interface HandlerDeps {
  db: AppDatabase;
  sessions: SessionStore;
  events: AppEventBus;
  /** Runs pending runs (wake it after creating one) and cancels running ones. */
  runner: Runner;
  /** Re-arms its timer after any schedule change. */
  scheduler: Scheduler;
}

interface SignedIn {
  session: Session;
  actor: Actor;
}

interface InTenant extends SignedIn {
  scope: TenantScope;
}

export function createDatabaseHandlers({ db, sessions, events, runner, scheduler }: HandlerDeps): DatabaseHandlers {
  const { orm } = db;

  /** The caller's session and who they are now: a disabled or deleted user's session ends here. */
  function signedIn(context: RequestContext): SignedIn {
    const session = context.session.current();
    if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in first: there is no session, or it has ended.');
    const actor = loadActor(orm, session.userId);
    if (!actor) {
      context.session.end();
      throw new AppError('UNAUTHENTICATED', 'Your account is disabled or no longer exists, so your session has ended.');
    }
    // A switcher left on a business deleted since (in this window, another, or the CLI) falls back to all businesses.
    const selection = session.selection;
    if (selection?.kind === 'business' && getBusiness(orm, selection.businessId) === null) sessions.setSelection(session.id, { kind: 'all' });
    return { session, actor };
  }

  /** A tenant channel: the scope comes from the policy; FORBIDDEN for a member or business admin without a business. */
  function inTenant(context: RequestContext): InTenant {
    const caller = signedIn(context);
    return { ...caller, scope: sessionTenantScope(caller.actor, caller.session.selection) };
  }

  /** The orphan wizard: system administrators only, whatever scope their switcher shows (orphans are nobody's tenant). */
  function orphanManager(context: RequestContext): SignedIn {
    const caller = signedIn(context);
    requireReach(caller.actor, 'orphans.manage');
    return caller;
  }

  function sessionView({ session, actor }: SignedIn): SessionView {
    return { user: getUserView(orm, actor.userId), scope: visibleSelection(actor, session.selection) };
  }

  /** Sign-in and setup: a fresh session, whatever the caller had before. */
  function beginSession(context: RequestContext, userId: number): SessionView {
    const actor = loadActor(orm, userId);
    if (!actor) throw new AppError('UNAUTHENTICATED', 'This account cannot sign in.');
    const session = context.session.begin(userId, selectionAtSignIn(actor));
    return sessionView({ session, actor });
  }

  /** Users and businesses changed: system admins' renderers refresh what read these tables. */
  function tablesChanged(...tables: string[]): void {
    events.publish('database.changed', { tables });
  }

  return {
    'auth.status': (_input, context) => {
      let session: SessionView | null = null;
      try {
        session = sessionView(signedIn(context));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'UNAUTHENTICATED')) throw error;
      }
      return { needsSetup: needsSetup(orm), session };
    },
    'auth.setup': async (input, context) => {
      const user = await setupFirstAdmin(db, input);
      tablesChanged('users');
      return beginSession(context, user.id);
    },
    'auth.login': async (input, context) => {
      const user = await login(db, input);
      return beginSession(context, user.id);
    },
    'auth.logout': (_input, context) => {
      signedIn(context);
      context.session.end();
      return { ok: true };
    },
    'session.setScope': (input, context) => {
      const { session, actor } = signedIn(context);
      const selection = checkScopeSelection(actor, input.scope, (id) => getBusiness(orm, id) !== null);
      sessions.setSelection(session.id, selection);
      recordAuditEvent(orm, {
        actor: userAuditActor(actor),
        action: 'scope.switch',
        target: selection.kind === 'business' ? { type: 'business', id: selection.businessId } : { type: 'scope', id: selection.kind },
        businessId: selection.kind === 'business' ? selection.businessId : null,
        details: { scope: selection },
      });
      return sessionView({ session, actor });
    },

    'businesses.list': (_input, context) => listBusinessViews(orm, signedIn(context).actor),
    'businesses.create': (input, context) => {
      const business = createBusinessAs(db, signedIn(context).actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.rename': (input, context) => {
      const business = renameBusiness(db, signedIn(context).actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.setDisabled': (input, context) => {
      const business = setBusinessDisabled(db, signedIn(context).actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.previewDelete': (input, context) => previewBusinessDeletion(db, signedIn(context).actor, input),
    'businesses.delete': async (input, context) => {
      const deletion = await deleteBusiness(db, signedIn(context).actor, input);
      tablesChanged('businesses', 'users', 'job_runs', 'job_schedules');
      return deletion;
    },

    'users.list': (_input, context) => listUsers(orm, signedIn(context).actor),
    'users.create': async (input, context) => {
      const user = await createUser(db, signedIn(context).actor, input);
      tablesChanged('users');
      return user;
    },
    'users.update': (input, context) => {
      const user = updateUser(db, signedIn(context).actor, input);
      tablesChanged('users');
      return user;
    },
    'users.setDisabled': (input, context) => {
      const user = setUserDisabled(db, signedIn(context).actor, input);
      if (user.disabled) sessions.endAllForUser(user.id);
      tablesChanged('users');
      return user;
    },
    'users.setPassword': async (input, context) => {
      const { session, actor } = signedIn(context);
      const user = await setUserPassword(db, actor, input);
      // A new password signs the account out everywhere, except the window that set its own password.
      sessions.endAllForUser(user.id, session.id);
      tablesChanged('users');
      return user;
    },
    'users.delete': (input, context) => {
      const deleted = deleteUser(db, signedIn(context).actor, input);
      sessions.endAllForUser(deleted.id);
      tablesChanged('users');
      return deleted;
    },

    'jobs.list': (input, context) => {
      const { scope } = inTenant(context);
      return listJobRuns(orm, scope, input);
    },
    'jobs.stats': (input, context) => {
      const { scope } = inTenant(context);
      return getJobRunStats(orm, scope, input);
    },
    'jobs.recent': (input, context) => {
      const { scope } = inTenant(context);
      return getRecentJobRuns(orm, scope, input);
    },
    'jobs.active': (input, context) => {
      const { scope } = inTenant(context);
      return getActiveJobRuns(orm, scope, input);
    },
    'jobs.types': (_input, context) => {
      const { scope } = inTenant(context);
      return getJobTypes(orm, scope);
    },
    'jobs.get': (input, context) => {
      const { scope } = inTenant(context);
      return getJobRun(orm, scope, input.id);
    },
    'jobs.create': (input, context) => {
      const { actor, session } = inTenant(context);
      const target = resolveRunTarget(actor, activeSelection(actor, session.selection), input.target);
      const run = db.sqlite.transaction(() => {
        const created = createJobRun(orm, target, {
          jobType: input.jobType,
          params: input.params,
          trigger: 'manual',
          triggeredByUserId: actor.userId,
          triggeredBy: actor.email,
        });
        recordAuditEvent(orm, {
          actor: userAuditActor(actor),
          action: 'job.trigger',
          target: { type: 'job_run', id: created.id },
          businessId: created.businessId,
          details: { jobType: created.jobType, scope: created.scope },
        });
        return created;
      }).immediate();
      events.publish('jobs.changed', { run });
      runner.wake();
      return run;
    },
    'jobs.cancel': (input, context) => {
      const { actor, scope } = inTenant(context);
      // The runner announces the cancelled run (jobs.changed) itself.
      return cancelJobRun(db, actor, scope, input.id, runner);
    },
    'jobs.retry': (input, context) => {
      const { actor, scope } = inTenant(context);
      const run = retryJobRun(db, actor, scope, input.id);
      events.publish('jobs.changed', { run });
      runner.wake();
      return run;
    },
    'jobs.auditTrail': (input, context) => {
      const { scope } = inTenant(context);
      return getRunAuditTrail(orm, scope, input.id);
    },
    'jobs.bulkPreview': (input, context) => {
      const { actor, scope } = inTenant(context);
      return previewBulkAction(db, actor, scope, input);
    },
    'jobs.bulkCancel': (input, context) => {
      const { actor, scope } = inTenant(context);
      // The runner announces each cancelled run (jobs.changed) itself.
      return bulkCancelRuns(db, actor, scope, input, runner);
    },
    'jobs.bulkRetry': (input, context) => {
      const { actor, scope } = inTenant(context);
      const { runs, ...result } = bulkRetryRuns(db, actor, scope, input);
      for (const run of runs) events.publish('jobs.changed', { run });
      if (runs.length > 0) runner.wake();
      return result;
    },
    'jobs.exportCsv': (input, context) => {
      const { actor, scope } = inTenant(context);
      return exportRunsCsv(db, actor, scope, input, exportsFolderFor(db.path));
    },

    'orphans.check': (input, context) => {
      orphanManager(context);
      return checkRuns(db, { newestLimit: input.newestLimit });
    },
    'orphans.list': (input, context) => {
      orphanManager(context);
      return listOrphans(db, input);
    },
    'orphans.previewDelete': (input, context) => {
      orphanManager(context);
      return previewOrphanDeletion(db, input.selection);
    },
    'orphans.delete': async (input, context) => {
      const { actor } = orphanManager(context);
      // The confirmation phrase was checked with the input (deleteOrphansInput): a wrong one never gets here.
      const deletion = await deleteOrphans(db, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      if (deletion.deleted > 0) tablesChanged('job_runs');
      return deletion;
    },
    'orphans.previewAssign': (input, context) => {
      orphanManager(context);
      return previewOrphanAssignment(db, input.businessId, input.selection);
    },
    'orphans.assign': (input, context) => {
      const { actor } = orphanManager(context);
      const assignment = assignOrphans(db, input.businessId, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      // One event for the whole change, to system admins (database.changed's audience); no per-run events.
      if (assignment.assigned > 0) tablesChanged('job_runs');
      return assignment;
    },
    'orphans.suggestions': (input, context) => {
      orphanManager(context);
      return suggestOrphanAssignments(db, { previewLimit: input.previewLimit });
    },
    'orphans.assignSuggested': async (input, context) => {
      const { actor } = orphanManager(context);
      const assignment = await assignSuggestedOrphans(db, input.groups, { actor: userAuditActor(actor) });
      if (assignment.assigned > 0) tablesChanged('job_runs');
      return assignment;
    },

    'schedules.list': (_input, context) => {
      const { actor, session } = inTenant(context);
      return listSchedules(orm, actor, activeSelection(actor, session.selection));
    },
    'schedules.create': (input, context) => withScheduleChange(context, (actor, selection) => createSchedule(db, actor, selection, input)),
    'schedules.update': (input, context) => withScheduleChange(context, (actor, selection) => updateSchedule(db, actor, selection, input)),
    'schedules.setEnabled': (input, context) =>
      withScheduleChange(context, (actor, selection) => setScheduleEnabled(db, actor, selection, input)),
    'schedules.delete': (input, context) => {
      const { id } = withScheduleChange(context, (actor, selection) => deleteSchedule(db, actor, selection, input));
      return { id };
    },
    'schedules.previewCron': (input, context) => {
      signedIn(context);
      return previewCron(input);
    },

    'audit.list': (input, context) => listAuditEvents(orm, signedIn(context).actor, input),
    'metrics.usage': (input, context) => {
      const { scope } = inTenant(context);
      return getUsage(orm, scope, input);
    },
    'metrics.exportCsv': (input, context) => {
      const { actor, scope } = inTenant(context);
      const label = scope.kind === 'business' ? `business-${scope.businessId}` : scope.kind;
      const exported = writeUsageCsv(db, scope, input, exportsFolderFor(db.path), label);
      recordAuditEvent(orm, {
        actor: userAuditActor(actor),
        action: 'metrics.export',
        target: { type: 'file', id: exported.path },
        businessId: scope.kind === 'business' ? scope.businessId : null,
        details: { ...input, rows: exported.rows, bytes: exported.bytes },
      });
      return exported;
    },
  };

  /** A schedule change: the scope comes from the session like any tenant channel; the scheduler re-arms after it. */
  /** A schedule write: the scheduler re-plans, and the sessions that may read the schedule refresh it. */
  function withScheduleChange<T extends ScheduleOwner>(
    context: RequestContext,
    change: (actor: Actor, selection: ReturnType<typeof activeSelection>) => T,
  ): T {
    const { actor, session } = inTenant(context);
    const result = change(actor, activeSelection(actor, session.selection));
    scheduler.reschedule();
    events.publish('schedules.changed', { id: result.id, scope: result.scope, businessId: result.businessId });
    return result;
  }
}
