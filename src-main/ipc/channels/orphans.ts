// orphans.*: the orphan wizard (check, list, delete, assign, suggested assignments), for system admins; the checks,
// lists and previews run on the read workers. A change is
// one database.changed to system admins (that event's audience), never an event per run.
import { assignOrphans, deleteOrphans } from '../../orphans/orphans';
import { assignSuggestedOrphans } from '../../orphans/suggestions';
import { userAuditActor } from '../../audit/record';
import { type ChannelDeps, type HandlersOf, publishTablesChanged } from './common';

export function orphanChannels({ db, events, reads }: Pick<ChannelDeps, 'db' | 'events' | 'reads'>): HandlersOf<'orphans'> {
  return {
    'orphans.check': (input, { actor }) => reads.run('orphans.check', { actor, scope: null }, input),
    'orphans.list': (input, { actor }) => reads.run('orphans.list', { actor, scope: null }, input),
    'orphans.previewDelete': (input, { actor }) => reads.run('orphans.previewDelete', { actor, scope: null }, input),
    'orphans.delete': async (input, { actor }) => {
      // The confirmation phrase was checked with the input (deleteOrphansInput): a wrong one never gets here.
      const deletion = await deleteOrphans(db, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      if (deletion.deleted > 0) publishTablesChanged(events, 'job_runs');
      return deletion;
    },
    'orphans.previewAssign': (input, { actor }) => reads.run('orphans.previewAssign', { actor, scope: null }, input),
    'orphans.assign': (input, { actor }) => {
      const assignment = assignOrphans(db, input.businessId, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      // One event for the whole change, to system admins (database.changed's audience); no per-run events.
      if (assignment.assigned > 0) publishTablesChanged(events, 'job_runs');
      return assignment;
    },
    'orphans.suggestions': (input, { actor }) => reads.run('orphans.suggestions', { actor, scope: null }, input),
    'orphans.assignSuggested': async (input, { actor }) => {
      const assignment = await assignSuggestedOrphans(db, input.groups, { actor: userAuditActor(actor) });
      if (assignment.assigned > 0) publishTablesChanged(events, 'job_runs');
      return assignment;
    },
  };
}
