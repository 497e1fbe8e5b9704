// audit.* and metrics.*: the audit log's pages, and usage per owner and month with its CSV export (itself audited).
import { getUsage, writeUsageCsv } from '../../usage/usage';
import { listAuditEvents } from '../../audit/list';
import { recordAuditEvent, userAuditActor } from '../../audit/record';
import { exportsFolderFor } from '../../db/paths';
import { type ChannelDeps, type HandlersOf } from './common';

export function auditChannels({ db }: Pick<ChannelDeps, 'db'>): HandlersOf<'audit'> {
  return {
    'audit.list': (input, { actor }) => listAuditEvents(db, actor, input),
  };
}

export function metricsChannels({ db }: Pick<ChannelDeps, 'db'>): HandlersOf<'metrics'> {
  return {
    'metrics.usage': (input, { scope }) => {
      return getUsage(db, scope, input);
    },
    'metrics.exportCsv': (input, { actor, scope }) => {
      const label = scope.kind === 'business' ? `business-${scope.businessId}` : scope.kind;
      const exported = writeUsageCsv(db, scope, input, exportsFolderFor(db.path), label);
      recordAuditEvent(db, {
        actor: userAuditActor(actor),
        action: 'metrics.export',
        target: { type: 'file', id: exported.path },
        businessId: scope.kind === 'business' ? scope.businessId : null,
        details: { ...input, rows: exported.rows, bytes: exported.bytes },
      });
      return exported;
    },
  };
}
