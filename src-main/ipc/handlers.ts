// One handler per contract channel, over an open database. Each is thin: the dispatcher has parsed the input
// and admitted the caller by the channel's declared access (src-shared/contract.ts), so a handler gets the Actor
// and, on a tenant channel, the scope; the service does the work and returns the view. What stays here and in
// the services are the rules that depend on the row (this run, this user, this business).
import { type Channel } from '../../src-shared/channels';
import { type Contract } from '../../src-shared/contract';
import { AppError } from '../../src-shared/errors';
import { type ScopeSelection, type SessionView } from '../../src-shared/schemas/accounts';
import { type Actor, checkScopeSelection, resolveRunTarget } from '../access/policy';
import { type AppDatabase } from '../db/connection';
import { exportsFolderFor } from '../db/paths';
import { type Runner } from '../jobs/runner';
import { type Scheduler } from '../jobs/scheduler';
import { getUserView, loadActor, login, needsSetup, setupFirstAdmin } from '../accounts/accounts';
import { recordAuditEvent, userAuditActor } from '../audit/record';
import { getRunAuditTrail, listAuditEvents } from '../audit/list';
import { bulkCancelRuns, bulkRetryRuns, exportRunsCsv, previewBulkAction } from '../bulk/bulk-runs';
import {
  createBusinessAs,
  deleteBusiness,
  getBusiness,
  listBusinessViews,
  previewBusinessDeletion,
  renameBusiness,
  setBusinessDisabled,
} from '../accounts/businesses';
import { getActiveJobRuns, getRecentJobRuns, listJobRuns } from '../history/pages';
import { getJobRun, getJobTypes } from '../history/runs';
import { cancelJobRun, retryJobRun } from '../lifecycle/control';
import { createJobRun } from '../lifecycle/runs';
import { getJobRunStats } from '../stats/stats';
import {
  assignOrphans,
  checkRuns,
  deleteOrphans,
  listOrphans,
  previewOrphanAssignment,
  previewOrphanDeletion,
} from '../orphans/orphans';
import { assignSuggestedOrphans, suggestOrphanAssignments } from '../orphans/suggestions';
import { createSchedule, deleteSchedule, listSchedules, previewCron, setScheduleEnabled, updateSchedule, type ScheduleOwner } from '../schedules/schedules';
import { getUsage, writeUsageCsv } from '../usage/usage';
import { createUser, deleteUser, listUsers, setUserDisabled, setUserPassword, updateUser } from '../accounts/users';
import { selectionAtSignIn, type SessionStore, visibleSelection } from '../sessions';
import { type InTenant, type RequestContext, resolveSignedIn, type SignedIn } from './access';
import { type HandlersFor } from './dispatch';
import { type AppEventBus } from './events';

export { type RequestContext } from './access';

export type ContractHandlers = HandlersFor<Contract, RequestContext, SignedIn, InTenant>;
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

export function createDatabaseHandlers({ db, sessions, events, runner, scheduler }: HandlerDeps): DatabaseHandlers {
  const { orm } = db;

  function sessionView({ session, actor }: Pick<SignedIn, 'session' | 'actor'>): SessionView {
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
        session = sessionView(resolveSignedIn(orm, sessions, context));
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
    'auth.logout': (_input, { request }) => {
      request.session.end();
      return { ok: true };
    },
    'session.setScope': (input, caller) => {
      const { session, actor } = caller;
      const selection = checkScopeSelection(actor, input.scope, (id) => getBusiness(orm, id) !== null);
      sessions.setSelection(session.id, selection);
      recordAuditEvent(orm, {
        actor: userAuditActor(actor),
        action: 'scope.switch',
        target: selection.kind === 'business' ? { type: 'business', id: selection.businessId } : { type: 'scope', id: selection.kind },
        businessId: selection.kind === 'business' ? selection.businessId : null,
        details: { scope: selection },
      });
      return sessionView(caller);
    },

    'businesses.list': (_input, { actor }) => listBusinessViews(orm, actor),
    'businesses.create': (input, { actor }) => {
      const business = createBusinessAs(db, actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.rename': (input, { actor }) => {
      const business = renameBusiness(db, actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.setDisabled': (input, { actor }) => {
      const business = setBusinessDisabled(db, actor, input);
      tablesChanged('businesses');
      return business;
    },
    'businesses.previewDelete': (input, { actor }) => previewBusinessDeletion(db, actor, input),
    'businesses.delete': async (input, { actor }) => {
      const deletion = await deleteBusiness(db, actor, input);
      tablesChanged('businesses', 'users', 'job_runs', 'job_schedules');
      return deletion;
    },

    'users.list': (_input, { actor }) => listUsers(orm, actor),
    'users.create': async (input, { actor }) => {
      const user = await createUser(db, actor, input);
      tablesChanged('users');
      return user;
    },
    'users.update': (input, { actor }) => {
      const user = updateUser(db, actor, input);
      tablesChanged('users');
      return user;
    },
    'users.setDisabled': (input, { actor }) => {
      const user = setUserDisabled(db, actor, input);
      if (user.disabled) sessions.endAllForUser(user.id);
      tablesChanged('users');
      return user;
    },
    'users.setPassword': async (input, { session, actor }) => {
      const user = await setUserPassword(db, actor, input);
      // A new password signs the account out everywhere, except the window that set its own password.
      sessions.endAllForUser(user.id, session.id);
      tablesChanged('users');
      return user;
    },
    'users.delete': (input, { actor }) => {
      const deleted = deleteUser(db, actor, input);
      sessions.endAllForUser(deleted.id);
      tablesChanged('users');
      return deleted;
    },

    'jobs.list': (input, { scope }) => {
      return listJobRuns(orm, scope, input);
    },
    'jobs.stats': (input, { scope }) => {
      return getJobRunStats(orm, scope, input);
    },
    'jobs.recent': (input, { scope }) => {
      return getRecentJobRuns(orm, scope, input);
    },
    'jobs.active': (input, { scope }) => {
      return getActiveJobRuns(orm, scope, input);
    },
    'jobs.types': (_input, { scope }) => {
      return getJobTypes(orm, scope);
    },
    'jobs.get': (input, { scope }) => {
      return getJobRun(orm, scope, input.id);
    },
    'jobs.create': (input, { actor, selection }) => {
      const target = resolveRunTarget(actor, selection, input.target);
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
    'jobs.cancel': (input, { actor, scope }) => {
      // The runner announces the cancelled run (jobs.changed) itself.
      return cancelJobRun(db, actor, scope, input.id, runner);
    },
    'jobs.retry': (input, { actor, scope }) => {
      const run = retryJobRun(db, actor, scope, input.id);
      events.publish('jobs.changed', { run });
      runner.wake();
      return run;
    },
    'jobs.auditTrail': (input, { scope }) => {
      return getRunAuditTrail(orm, scope, input.id);
    },
    'jobs.bulkPreview': (input, { actor, scope }) => {
      return previewBulkAction(db, actor, scope, input);
    },
    'jobs.bulkCancel': (input, { actor, scope }) => {
      // The runner announces each cancelled run (jobs.changed) itself.
      return bulkCancelRuns(db, actor, scope, input, runner);
    },
    'jobs.bulkRetry': (input, { actor, scope }) => {
      const { runs, ...result } = bulkRetryRuns(db, actor, scope, input);
      for (const run of runs) events.publish('jobs.changed', { run });
      if (runs.length > 0) runner.wake();
      return result;
    },
    'jobs.exportCsv': (input, { actor, scope }) => {
      return exportRunsCsv(db, actor, scope, input, exportsFolderFor(db.path));
    },

    'orphans.check': (input) => {
      return checkRuns(db, { newestLimit: input.newestLimit });
    },
    'orphans.list': (input) => {
      return listOrphans(db, input);
    },
    'orphans.previewDelete': (input) => {
      return previewOrphanDeletion(db, input.selection);
    },
    'orphans.delete': async (input, { actor }) => {
      // The confirmation phrase was checked with the input (deleteOrphansInput): a wrong one never gets here.
      const deletion = await deleteOrphans(db, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      if (deletion.deleted > 0) tablesChanged('job_runs');
      return deletion;
    },
    'orphans.previewAssign': (input) => {
      return previewOrphanAssignment(db, input.businessId, input.selection);
    },
    'orphans.assign': (input, { actor }) => {
      const assignment = assignOrphans(db, input.businessId, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      // One event for the whole change, to system admins (database.changed's audience); no per-run events.
      if (assignment.assigned > 0) tablesChanged('job_runs');
      return assignment;
    },
    'orphans.suggestions': (input) => {
      return suggestOrphanAssignments(db, { previewLimit: input.previewLimit });
    },
    'orphans.assignSuggested': async (input, { actor }) => {
      const assignment = await assignSuggestedOrphans(db, input.groups, { actor: userAuditActor(actor) });
      if (assignment.assigned > 0) tablesChanged('job_runs');
      return assignment;
    },

    'schedules.list': (_input, { actor, selection }) => listSchedules(orm, actor, selection),
    'schedules.create': (input, caller) => withScheduleChange(caller, (actor, selection) => createSchedule(db, actor, selection, input)),
    'schedules.update': (input, caller) => withScheduleChange(caller, (actor, selection) => updateSchedule(db, actor, selection, input)),
    'schedules.setEnabled': (input, caller) =>
      withScheduleChange(caller, (actor, selection) => setScheduleEnabled(db, actor, selection, input)),
    'schedules.delete': (input, caller) => {
      const { id } = withScheduleChange(caller, (actor, selection) => deleteSchedule(db, actor, selection, input));
      return { id };
    },
    'schedules.previewCron': (input) => previewCron(input),

    'audit.list': (input, { actor }) => listAuditEvents(orm, actor, input),
    'metrics.usage': (input, { scope }) => {
      return getUsage(orm, scope, input);
    },
    'metrics.exportCsv': (input, { actor, scope }) => {
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

  /** A schedule write: the scheduler re-plans, and the sessions that may read the schedule refresh it. */
  function withScheduleChange<T extends ScheduleOwner>({ actor, selection }: InTenant, change: (actor: Actor, selection: ScopeSelection) => T): T {
    const result = change(actor, selection);
    scheduler.reschedule();
    events.publish('schedules.changed', { id: result.id, scope: result.scope, businessId: result.businessId });
    return result;
  }
}
