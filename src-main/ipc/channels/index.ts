// The handlers of every channel that needs the database, one domain per file in this folder, joined into the table
// the dispatcher binds (dispatch.ts). The table's type asks for every channel: one no domain handles is a compile error.
import { authChannels } from './auth';
import { backupStoreChannels } from './backups';
import { businessChannels, userChannels } from './accounts';
import { auditChannels, metricsChannels } from './audit-and-metrics';
import { type ChannelDeps, type DatabaseHandlers } from './common';
import { exportChannels } from './exports';
import { jobChannels } from './jobs';
import { limitChannels } from './limits';
import { orphanChannels } from './orphans';
import { restoreChannels } from './restore';
import { scheduleChannels } from './schedules';
import { viewChannels } from './views';

export { type ChannelDeps, type ContractHandlers, type DatabaseChannel, type DatabaseHandlers } from './common';

export function createDatabaseHandlers(deps: ChannelDeps): DatabaseHandlers {
  return {
    ...authChannels(deps),
    ...businessChannels(deps),
    ...userChannels(deps),
    ...jobChannels(deps),
    ...orphanChannels(deps),
    ...scheduleChannels(deps),
    ...auditChannels(deps),
    ...metricsChannels(deps),
    ...exportChannels(deps),
    ...limitChannels(deps),
    ...backupStoreChannels(deps),
    ...restoreChannels(deps),
    ...viewChannels(deps),
  };
}
