// How the runner's changes reach onRunChanged: views built from the rows its statements returned.
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { getBusiness } from '../../accounts/businesses';
import type { AppDatabase } from '../../db/connection';
import { userNameOf } from '../../accounts/user-name';
import { toJobRunView } from '../../history/views';
import type { RunnerShared } from './state';
import { log } from '../../log';

export function createAnnouncer(db: AppDatabase, onRunChanged: (view: JobRunView) => void): Pick<RunnerShared, 'announce' | 'viewsOf'> {
  return {
    announce(view) {
      try {
        onRunChanged(view);
      } catch (error) {
        // A listener's failure must not stop the queue.
        log.error('runner: onRunChanged failed', error);
      }
    },

    viewsOf(rows) {
      const businessNames = new Map<number, string | null>();
      const userNames = new Map<number | null, string | null>([[null, null]]);
      return rows.map((row) => {
        if (!userNames.has(row.triggeredByUserId)) userNames.set(row.triggeredByUserId, userNameOf(db, row.triggeredByUserId));
        const named = { ...row, triggeredByName: userNames.get(row.triggeredByUserId) ?? null };
        if (row.businessId === null) return toJobRunView(named, null);
        let name = businessNames.get(row.businessId);
        if (name === undefined) {
          name = getBusiness(db, row.businessId)?.name ?? null;
          businessNames.set(row.businessId, name);
        }
        return toJobRunView(named, name);
      });
    },
  };
}
