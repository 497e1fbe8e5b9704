import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { runIsolationChecks } from '../isolation-check';

export const verify: Command = async (context) => {
  context.note('Checking tenant isolation on a scratch database in a temp folder…');
  const checks = await runIsolationChecks({ nativeBinding: context.host.nativeBinding });
  const passed = checks.every((c) => c.passed);
  const failed = checks.filter((c) => !c.passed).length;
  const lines = checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'}  ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  lines.push(passed ? `All ${checks.length} checks passed.` : `${failed} of ${checks.length} checks failed.`);
  context.print({ passed, checks }, lines, passed);
  return passed ? ExitCode.ok : ExitCode.failure;
};
