// exports.*: a CSV export's file, handed to the user who made it.
import { downloadExport } from '../../exports/download';
import { type ChannelDeps, type HandlersOf } from './common';

export function exportChannels({ db }: Pick<ChannelDeps, 'db'>): HandlersOf<'exports'> {
  return {
    'exports.download': (input, { actor }) => downloadExport(db, actor, input),
  };
}
