// audit.* and metrics.*: the audit log's pages, and usage per owner and month with its CSV export (itself audited).
import { recordAuditEvent, userAuditActor } from '../../audit/record';
import { type ChannelDeps, type HandlersOf } from './common';

export function auditChannels({ reads }: Pick<ChannelDeps, 'reads'>): HandlersOf<'audit'> {
  return {
    'audit.list': (input, { actor }) => reads.run('audit.list', { actor, scope: null }, input),
  };
}

export function metricsChannels({ db, reads }: Pick<ChannelDeps, 'db' | 'reads'>): HandlersOf<'metrics'> {
  return {
    'metrics.usage': (input, { actor, scope }) => reads.run('metrics.usage', { actor, scope }, input),
    'metrics.exportCsv': async (input, { actor, scope }) => {
      const exported = await reads.run('metrics.exportCsv', { actor, scope }, input);
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
