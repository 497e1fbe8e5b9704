// What an adoption of a server-edition file found, in people's words: the same sentences in the CLI, its --json
// output and the first-open screen. Pure TypeScript.
import type { AdoptionReportView } from './contract';
import { plural } from './text';

/** What the adopted runs became, one line each (empty for a report of an earlier version, which did not count them). */
export function adoptionOutcomeLines(report: AdoptionReportView): string[] {
  const outcomes = report.runOutcomes;
  if (!outcomes) return [];
  const lines = [`${plural(outcomes.ended, 'run')} that had ended in the server edition, kept as they were`];
  if (outcomes.unfinished > 0) {
    lines.push(
      `${plural(outcomes.unfinished, 'run')} not finished in the server edition (${outcomes.unfinishedStarted.toLocaleString('en-US')} had started): ` +
        'kept as "unfinished": no end or duration is made up for them, and this app never runs them',
    );
  }
  if (outcomes.unknownJobTypes > 0) {
    lines.push(`${plural(outcomes.unknownJobTypes, 'run')} of job types this app has no handler for: kept as history`);
  }
  if (report.orphans > 0) {
    lines.push(
      `${plural(report.orphans, 'orphan')} (runs without a business), ${outcomes.orphansWithSuggestion.toLocaleString('en-US')} of them with evidence of their business`,
    );
  }
  return lines;
}

/** What an operator may do next, given what the adoption found. */
export function adoptionNextSteps(report: AdoptionReportView): string[] {
  const steps: string[] = [];
  const suggested = report.runOutcomes?.orphansWithSuggestion ?? 0;
  if (suggested > 0) {
    steps.push(
      `Review the businesses suggested for ${plural(suggested, 'orphan')}: the orphan wizard's "Suggested assignments" step, ` +
        'or `automation-console check --suggest` and `automation-console assign-orphans --suggested`.',
    );
  }
  const unexplained = report.orphans - suggested;
  if (unexplained > 0) {
    steps.push(
      `Assign or delete the ${plural(unexplained, 'orphan')} without evidence by hand: the orphan wizard, or ` +
        '`automation-console assign-orphans` and `automation-console delete-orphans`.',
    );
  }
  if ((report.runOutcomes?.unfinished ?? 0) > 0) {
    steps.push('Retry an unfinished run to run it again in this app (its job type must be one this app knows); the run itself stays as it was.');
  }
  if (report.users > 0) steps.push('Adopted users have no password: set one for each who should sign in (Admin › Users).');
  return steps;
}
