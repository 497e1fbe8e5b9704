// views.*: saved views of the Automation view, the caller's own and those shared with them (src-main/views/views.ts).
import { createView, deleteView, listViews, setDefaultView, updateView } from '../../views/views';
import { type ChannelDeps, type HandlersOf } from './common';

export function viewChannels({ db }: Pick<ChannelDeps, 'db'>): HandlersOf<'views'> {
  return {
    'views.list': (_input, { actor }) => listViews(db, actor),
    'views.create': (input, { actor }) => createView(db, actor, input),
    'views.update': ({ id, ...change }, { actor }) => updateView(db, actor, id, change),
    'views.delete': (input, { actor }) => deleteView(db, actor, input.id),
    'views.setDefault': (input, { actor }) => setDefaultView(db, actor, input.id),
  };
}
