// schedules.*: the cron schedules' rules. After any change the scheduler re-plans, and the sessions that may read
// the schedule refresh it (schedules.changed).
import { type ScopeSelection } from '../../../src-shared/schemas/accounts';
import { type Actor } from '../../access/policy';
import { createSchedule, deleteSchedule, listSchedules, previewCron, setScheduleEnabled, updateSchedule, type ScheduleOwner } from '../../schedules/schedules';
import { type InTenant } from '../access';
import { type ChannelDeps, type HandlersOf } from './common';

export function scheduleChannels({ db, events, scheduler }: Pick<ChannelDeps, 'db' | 'events' | 'scheduler'>): HandlersOf<'schedules'> {
  /** A schedule write: the scheduler re-plans, and the sessions that may read the schedule refresh it. */
  function withScheduleChange<T extends ScheduleOwner>({ actor, selection }: InTenant, change: (actor: Actor, selection: ScopeSelection) => T): T {
    const result = change(actor, selection);
    scheduler.reschedule();
    events.publish('schedules.changed', { id: result.id, scope: result.scope, businessId: result.businessId });
    return result;
  }

  return {
    'schedules.list': (_input, { actor, selection }) => listSchedules(db, actor, selection),
    'schedules.create': (input, caller) => withScheduleChange(caller, (actor, selection) => createSchedule(db, actor, selection, input)),
    'schedules.update': (input, caller) => withScheduleChange(caller, (actor, selection) => updateSchedule(db, actor, selection, input)),
    'schedules.setEnabled': (input, caller) =>
      withScheduleChange(caller, (actor, selection) => setScheduleEnabled(db, actor, selection, input)),
    'schedules.delete': (input, caller) => {
      const { id } = withScheduleChange(caller, (actor, selection) => deleteSchedule(db, actor, selection, input));
      return { id };
    },
    'schedules.previewCron': (input) => previewCron(input),
  };
}
