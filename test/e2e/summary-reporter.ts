// Prints why each skipped test skipped, then the plain closing line `playwright: N passed, N failed,
// N skipped` that CI reads (like test/summary-reporter.ts for vitest).
import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private root: Suite | null = null;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onEnd(result: FullResult): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const reasons: string[] = [];
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      // 'flaky' passed on a retry: it counts as passed, and the list reporter above names it.
      if (outcome === 'expected' || outcome === 'flaky') counts.passed++;
      else if (outcome === 'unexpected') counts.failed++;
      else {
        counts.skipped++;
        const annotations = [...test.annotations, ...test.results.flatMap((r) => r.annotations)];
        const why = annotations.find((a) => (a.type === 'skip' || a.type === 'fixme') && a.description)?.description;
        reasons.push(`  skipped: ${test.titlePath().filter(Boolean).slice(1).join(' › ')}${why ? `: ${why}` : ''}`);
      }
    }
    // A run that never got to its tests (globalSetup failed, a file did not compile) is a failure too.
    if (result.status !== 'passed' && counts.failed === 0) counts.failed++;
    const skipped = reasons.length > 0 ? `\n${[...new Set(reasons)].join('\n')}` : '';
    process.stdout.write(`${skipped}\nplaywright: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
