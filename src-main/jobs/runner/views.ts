// How the runner's changes reach onRunChanged: views built from the rows its statements returned.
import type { JobRunView } from '../../../src-shared/schemas/jobs';
import { getBusiness } from '../../accounts/businesses';
import type { AppDatabase } from '../../db/connection';
import { toJobRunView } from '../../history/views';
import type { RunnerShared } from './state';

export function createAnnouncer(db: AppDatabase, onRunChanged: (view: JobRunView) => void): Pick<RunnerShared, 'announce' | 'viewsOf'> {
  return {
    announce(view) {
      try {
        onRunChanged(view);
      } catch (error) {
        // A listener's failure must not stop the queue.
        console.error('runner: onRunChanged failed', error);
      }
    },

    viewsOf(rows) {
      const names = new Map<number, string | null>();
      return rows.map((row) => {
        if (row.businessId === null) return toJobRunView(row, null);
        let name = names.get(row.businessId);
        if (name === undefined) {
          name = getBusiness(db, row.businessId)?.name ?? null;
          names.set(row.businessId, name);
        }
        return toJobRunView(row, name);
      });
    },
  };
}
