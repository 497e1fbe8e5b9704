// orphans.*: the orphan wizard (check, list, delete, assign, suggested assignments), for system admins. A change is
// one database.changed to system admins (that event's audience), never an event per run.
import { assignOrphans, checkRuns, deleteOrphans, listOrphans, previewOrphanAssignment, previewOrphanDeletion } from '../../orphans/orphans';
import { assignSuggestedOrphans, suggestOrphanAssignments } from '../../orphans/suggestions';
import { userAuditActor } from '../../audit/record';
import { type ChannelDeps, type HandlersOf, publishTablesChanged } from './common';

export function orphanChannels({ db, events }: Pick<ChannelDeps, 'db' | 'events'>): HandlersOf<'orphans'> {
  return {
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
      if (deletion.deleted > 0) publishTablesChanged(events, 'job_runs');
      return deletion;
    },
    'orphans.previewAssign': (input) => {
      return previewOrphanAssignment(db, input.businessId, input.selection);
    },
    'orphans.assign': (input, { actor }) => {
      const assignment = assignOrphans(db, input.businessId, input.selection, { actor: userAuditActor(actor), expectedCount: input.expectedCount });
      // One event for the whole change, to system admins (database.changed's audience); no per-run events.
      if (assignment.assigned > 0) publishTablesChanged(events, 'job_runs');
      return assignment;
    },
    'orphans.suggestions': (input) => {
      return suggestOrphanAssignments(db, { previewLimit: input.previewLimit });
    },
    'orphans.assignSuggested': async (input, { actor }) => {
      const assignment = await assignSuggestedOrphans(db, input.groups, { actor: userAuditActor(actor) });
      if (assignment.assigned > 0) publishTablesChanged(events, 'job_runs');
      return assignment;
    },
  };
}
