// jobs.*: the runs' history and statistics (reads in the caller's tenant scope, on the read workers), their lifecycle (trigger, cancel,
// retry: the runner is woken for new runs and announces the cancelled ones itself), bulk actions and the CSV export.
import { resolveRunTarget } from '../../access/policy';
import { recordAuditEvent, userAuditActor } from '../../audit/record';
import { getRunAuditTrail } from '../../audit/list';
import { bulkCancelRuns, bulkRetryRuns, recordRunsExport } from '../../bulk/bulk-runs';
import { getJobRun } from '../../history/runs';
import { cancelJobRun, rerunSourceOf, retryJobRun } from '../../lifecycle/control';
import { inImmediateTransaction } from '../../db/connection';
import { admitNewRuns } from '../../lifecycle/limits';
import { createJobRun } from '../../lifecycle/runs';
import { rememberStatsAsk } from '../../stats/recent-asks';
import { type ChannelDeps, type HandlersOf } from './common';

type JobChannelDeps = Pick<ChannelDeps, 'db' | 'events' | 'runner' | 'reads'>;

export function jobChannels(deps: JobChannelDeps): HandlersOf<'jobs'> {
  return { ...historyChannels(deps), ...lifecycleChannels(deps), ...bulkChannels(deps) };
}

/** The reads: pages, statistics, recent and active runs, the job types, one run and its audit trail. */
function historyChannels({ db, reads }: JobChannelDeps) {
  return {
    'jobs.list': (input, { actor, scope }) => reads.run('jobs.list', { actor, scope }, input),
    'jobs.stats': async (input, { actor, scope }) => {
      const stats = await reads.run('jobs.stats', { actor, scope }, input);
      rememberStatsAsk(db, scope, input); // answered (a refused ask writes nothing): read first when the app next starts
      return stats;
    },
    'jobs.recent': (input, { actor, scope }) => reads.run('jobs.recent', { actor, scope }, input),
    'jobs.active': (input, { actor, scope }) => reads.run('jobs.active', { actor, scope }, input),
    'jobs.types': (input, { actor, scope }) => reads.run('jobs.types', { actor, scope }, input),
    'jobs.get': (input, { scope }) => {
      return getJobRun(db, scope, input.id);
    },
    'jobs.auditTrail': (input, { scope }) => {
      return getRunAuditTrail(db, scope, input.id);
    },
  } satisfies Partial<HandlersOf<'jobs'>>;
}

/** A run's life: triggered by hand (audited), cancelled, retried. */
function lifecycleChannels({ db, events, runner, reads }: JobChannelDeps) {
  return {
    'jobs.create': (input, { actor, selection, scope }) => {
      const run = inImmediateTransaction(db, (tx) => {
        // The run a re-run repeats first: one the caller cannot see reads as missing, whatever else the input says.
        const rerunOf = input.rerunOf === undefined ? null : rerunSourceOf(tx, scope, input.rerunOf, input.jobType).id;
        const target = resolveRunTarget(actor, selection, input.target);
        admitNewRuns(tx, target, 1, actor);
        const created = createJobRun(tx, target, {
          jobType: input.jobType,
          params: input.params,
          trigger: 'manual',
          triggeredByUserId: actor.userId,
          triggeredBy: actor.email,
          rerunOfRunId: rerunOf,
          tags: input.tags,
        });
        recordAuditEvent(tx, {
          actor: userAuditActor(actor),
          action: 'job.trigger',
          target: { type: 'job_run', id: created.id },
          businessId: created.businessId,
          details: {
            jobType: created.jobType,
            scope: created.scope,
            ...(rerunOf === null ? {} : { rerunOfRunId: rerunOf }),
            ...(Object.keys(created.tags).length === 0 ? {} : { tags: created.tags }),
          },
        });
        return created;
      }, 'memory');
      events.publish('jobs.changed', { run });
      runner.wake();
      return run;
    },
    // The target is resolved here, by the access rules; its runs are counted on a read worker.
    'jobs.previewRetention': (input, { actor, selection }) =>
      reads.run('jobs.previewRetention', { actor, scope: resolveRunTarget(actor, selection, input.target) }, { olderThanDays: input.olderThanDays }),
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
  } satisfies Partial<HandlersOf<'jobs'>>;
}

/** Many runs at once: preview, cancel, retry, and the CSV export of a filtered history. */
function bulkChannels({ db, events, runner, reads }: JobChannelDeps) {
  return {
    'jobs.bulkPreview': (input, { actor, scope }) => reads.run('jobs.bulkPreview', { actor, scope }, input),
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
    'jobs.exportCsv': async (input, { actor, scope }) => {
      const file = await reads.run('jobs.exportCsv', { actor, scope }, input);
      recordRunsExport(db, actor, scope, input, file);
      return file;
    },
  } satisfies Partial<HandlersOf<'jobs'>>;
}
