// The startup screen: opening the database, or why it could not be opened. What the file holds once it is ready (with
// what an adoption of a server-edition file found) is DatabaseFacts, shown to a role that reads the database (Admin ›
// Database); signed out, nothing about the file or its accounts is shown.
import { adoptionNextSteps, adoptionOutcomeLines } from '../../src-shared/adoption';
import { type AppStatus, type DatabaseInfoView, type StartupFailureReason, type StartupSummary } from '../../src-shared/contract';
import { type ErrorBody } from '../../src-shared/errors';
import { formatBytes, plural } from '../../src-shared/text';
import { CopyablePath } from '../lib/copy-path';
import { formatCount } from '../lib/format';

export type StartupView = { kind: 'loading' } | { kind: 'status'; status: AppStatus } | { kind: 'unreachable'; error: ErrorBody };

/** Pure: what each startup state looks like (tested without a browser). */
export function StartupScreen({ view }: { view: StartupView }) {
  if (view.kind === 'loading') {
    return (
      <main className="startup" data-testid="startup-loading" aria-busy="true">
        <h1>Automation Console</h1>
        <p>Opening the database…</p>
      </main>
    );
  }
  if (view.kind === 'unreachable') {
    return (
      <main className="startup" data-testid="connection-error">
        <h1>Automation Console</h1>
        <p className="error">{view.error.message}</p>
        {view.error.code === 'UNAUTHENTICATED' && <p>Open the address printed by the command that started the app; it includes the token.</p>}
      </main>
    );
  }
  const { status } = view;
  return status.state === 'ready' ? (
    <main className="startup" data-testid="startup-ready">
      <h1>Automation Console</h1>
    </main>
  ) : (
    <Failed status={status} />
  );
}

/** The database file, its versions and counts, what this start did to it, and what an adoption found. */
export function DatabaseFacts({ info, startup }: { info: DatabaseInfoView; startup: StartupSummary }) {
  return (
    <div className="startup" data-testid="database-facts">
      {(info.adoption !== null || info.counts.orphanRuns > 0) && <OrphanNotice info={info} />}
      <dl className="facts">
        <dt>Database</dt>
        <dd data-testid="database-path">{info.path}</dd>
        <dt>Schema version</dt>
        <dd data-testid="schema-version">{info.schemaVersion}</dd>
        <dt>SQLite</dt>
        <dd>{info.sqliteVersion}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(info.fileBytes)}</dd>
        {startup.created && (
          <>
            <dt>This start</dt>
            <dd>Created a new, empty database.</dd>
          </>
        )}
        {startup.migrated && (
          <>
            <dt>This start</dt>
            <dd>
              Migrated from schema {startup.migrated.from} to {startup.migrated.to}
              {startup.migrated.backupPath && <> (backup: {startup.migrated.backupPath})</>}.
            </dd>
          </>
        )}
      </dl>
      <table className="counts" data-testid="database-counts">
        <tbody>
          {COUNT_LABELS.map(([key, label]) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td data-testid={`count-${key}`}>{formatCount(info.counts[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OrphanNotice({ info }: { info: DatabaseInfoView }) {
  const orphans = info.counts.orphanRuns;
  return (
    <section className="notice" data-testid="orphan-notice" role="status">
      {info.adoption && <AdoptionSummary adoption={info.adoption} />}
      <p>
        {orphans === 0
          ? 'There are no orphaned runs.'
          : `${plural(orphans, 'orphaned run')} ${orphans === 1 ? 'belongs' : 'belong'} to no existing business. A system admin can assign them to a business or delete them.`}
      </p>
      {info.adoption && <AdoptionNextSteps adoption={info.adoption} />}
    </section>
  );
}

function AdoptionSummary({ adoption }: { adoption: NonNullable<DatabaseInfoView['adoption']> }) {
  const revision = adoption.revision ? `revision ${adoption.revision}` : 'an unrecorded revision';
  // Empty for a report of an earlier version, which did not count what the runs became.
  const outcomes = adoptionOutcomeLines(adoption);
  return (
    <>
      <p data-testid="adoption-summary">
        Converted from the server edition ({revision}): {plural(adoption.businesses, 'business', 'businesses')}, {plural(adoption.users, 'user')} and{' '}
        {plural(adoption.runs, 'run')}, every row kept.
      </p>
      <p>
        The original file was backed up to <code data-testid="adoption-backup-path">{adoption.backupPath}</code>.
      </p>
      {outcomes.length > 0 && (
        <ul className="adoption-list" data-testid="adoption-outcomes">
          {outcomes.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </>
  );
}

function AdoptionNextSteps({ adoption }: { adoption: NonNullable<DatabaseInfoView['adoption']> }) {
  const steps = adoptionNextSteps(adoption);
  if (steps.length === 0) return null;
  return (
    <>
      <h2 className="notice-heading">What you can do next</h2>
      <ul className="adoption-list" data-testid="adoption-next-steps">
        {steps.map((step) => (
          <li key={step}>
            <WithCommands text={step} />
          </li>
        ))}
      </ul>
    </>
  );
}

/** The shared sentences mark commands with backticks, as Markdown does: shown as code. */
function WithCommands({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part))}
    </>
  );
}

function Failed({ status }: { status: Extract<AppStatus, { state: 'failed' }> }) {
  return (
    <main className="startup" data-testid="startup-error" role="alert">
      <h1>The database could not be opened</h1>
      <p className="reason" data-testid="startup-error-reason">
        {REASON_LABELS[status.reason]}
      </p>
      <p className="error" data-testid="startup-error-message">
        {status.message}
      </p>
      <dl className="facts">
        <dt>Database</dt>
        <dd>{status.path}</dd>
        {status.backupPath && (
          <>
            <dt>Backup</dt>
            <dd data-testid="startup-backup-path">{status.backupPath}</dd>
          </>
        )}
        {status.logPath && (
          <>
            <dt>Log file</dt>
            <dd>
              <CopyablePath path={status.logPath} testId="startup-log-path" />
            </dd>
          </>
        )}
      </dl>
      <p>
        {status.backupPath
          ? 'The backup is a copy made before the failed step. To go back to it, quit the app and copy it over the database file, or open it with --db.'
          : 'Nothing was served from this file. Quit the app, then open another database with --db PATH.'}
      </p>
      {status.logPath && <p>The log file has the details; include it when you ask for help.</p>}
    </main>
  );
}

const COUNT_LABELS = [
  ['businesses', 'Businesses'],
  ['users', 'Users'],
  ['runs', 'Job runs'],
  ['systemRuns', 'System-wide runs'],
  ['orphanRuns', 'Orphaned runs'],
  ['schedules', 'Schedules'],
  ['auditEvents', 'Audit events'],
] as const satisfies readonly (readonly [keyof DatabaseInfoView['counts'], string])[];

const REASON_LABELS: Record<StartupFailureReason, string> = {
  cannot_open: 'The file cannot be opened.',
  not_an_app_database: 'The file is not an Automation Console database.',
  newer_schema: 'The database was written by a newer version of the app.',
  adoption_declined: 'The server-edition database was not converted.',
  adoption_failed: 'Converting the server-edition database failed.',
  migration_failed: 'Updating the database to this version failed.',
  foreign_key_violations: 'The database has broken references.',
  unexpected: 'An unexpected error stopped the start.',
};
