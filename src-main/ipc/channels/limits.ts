// limits.*: the per-business limits (src-main/lifecycle/limits.ts), read and changed by system admins.
import { DEFAULT_RUN_LIMITS } from '../../../src-shared/schemas/limits';
import { readRunLimits, setRunLimits } from '../../lifecycle/limits';
import { type ChannelDeps, type HandlersOf } from './common';

export function limitChannels({ db }: Pick<ChannelDeps, 'db'>): HandlersOf<'limits'> {
  return {
    'limits.get': () => ({ limits: readRunLimits(db), defaults: DEFAULT_RUN_LIMITS }),
    'limits.set': (input, { actor }) => ({ limits: setRunLimits(db, actor, input.limits), defaults: DEFAULT_RUN_LIMITS }),
  };
}
