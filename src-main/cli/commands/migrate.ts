import { adoptionNextSteps, adoptionOutcomeLines } from '../../../src-shared/adoption';
import type { LegacyInspection } from '../../adoption/adopt';
import type { StartupReport } from '../../startup';
import type { Command, CommandContext } from '../context';
import { ConfirmationError, ExitCode } from '../exit-codes';
import { askYesNo } from '../io';
import { plural } from '../../../src-shared/text';
import { withDatabase } from '../open-database';

export const migrate: Command = async (context) => {
  let declinedBecause: string | null = null;
  const confirmAdoption = async (legacy: LegacyInspection) => {
    const decision = await decideAdoption(context, legacy);
    if (!decision.accepted) declinedBecause = decision.reason;
    return decision.accepted;
  };
  try {
    return await withDatabase(
      context,
      ({ report }) => {
        const adoption = report.adoption && { ...report.adoption, nextSteps: adoptionNextSteps(report.adoption) };
        context.print({ ...report, adoption }, describeReport(report, context.command));
        return ExitCode.ok;
      },
      { create: true, confirmAdoption },
    );
  } catch (error) {
    if (declinedBecause !== null) throw new ConfirmationError(declinedBecause);
    throw error;
  }
};

async function decideAdoption(context: CommandContext, legacy: LegacyInspection): Promise<{ accepted: boolean; reason: string }> {
  if (context.args.yes) return { accepted: true, reason: '' };
  if (!context.io.isTTY || context.args.json) {
    return {
      accepted: false,
      reason: 'This is a server-edition database. Converting it needs confirmation: run again with --yes. Nothing was changed.',
    };
  }
  context.io.stderr.write(`${describeLegacy(legacy)}\n`);
  const accepted = await askYesNo(context.io, 'Convert this server-edition database in place? A backup is made first.');
  return { accepted, reason: 'Conversion declined. Nothing was changed.' };
}

function describeLegacy(legacy: LegacyInspection): string {
  const { counts } = legacy;
  return (
    `This is a database of the server edition (revision ${legacy.revision ?? 'none'}): ` +
    `${plural(counts.businesses, 'business', 'businesses')}, ${plural(counts.users, 'user')}, ${plural(counts.runs, 'run')} ` +
    `(${counts.runsWithoutBusiness} without a business, ${counts.runsWithMissingBusiness} whose business is missing: ` +
    'these become orphans).'
  );
}

function describeReport(report: StartupReport, command: string): string[] {
  const { adoption, migrated } = report;
  if (adoption) {
    const bullets = (lines: string[]) => lines.map((line) => `  - ${line}`);
    const nextSteps = adoptionNextSteps(adoption);
    return [
      `Converted the server-edition database ${report.path} (revision ${adoption.revision ?? 'none'}): ` +
        `${plural(adoption.businesses, 'business', 'businesses')}, ${plural(adoption.users, 'user')}, ${plural(adoption.runs, 'run')}, ` +
        `${plural(adoption.orphans, 'orphan')}${adoption.orphans > 0 ? ` (see them with: ${command} check)` : ''}. ` +
        `Schema version ${report.schemaVersion}. Backup of the original: ${adoption.backupPath}`,
      ...bullets(adoptionOutcomeLines(adoption)),
      ...(nextSteps.length > 0 ? ['What you can do next:', ...bullets(nextSteps)] : []),
    ];
  }
  if (report.created) return [`Created ${report.path} at schema version ${report.schemaVersion}.`];
  if (migrated) {
    return [`Migrated ${report.path} from schema ${migrated.from} to ${migrated.to}. Backup: ${migrated.backupPath ?? 'none'}`];
  }
  return [`${report.path} is already current (schema version ${report.schemaVersion}).`];
}
