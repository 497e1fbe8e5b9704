// The release pipeline runs only on GitHub's hosted runners, never here; what it promises is held here instead: every
// OS, the whole test command, the Electron suite against the stock binary and against a packaged end-to-end build
// (never allowed to skip), installers with their checksums uploaded.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { load } = require('js-yaml') as { load: (text: string) => unknown };

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { 'runs-on': string; env?: Record<string, string>; strategy: { matrix: { os: string[] } }; steps: Step[] }>;
}

const file = path.resolve(__dirname, '../../.github/workflows/release.yml');
const workflow = load(fs.readFileSync(file, 'utf8')) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const runs = job.steps.map((step) => step.run ?? '');
const indexOf = (pattern: RegExp) => runs.findIndex((run) => pattern.test(run));

describe('the release workflow', () => {
  it('runs on Linux, Windows and macOS', () => {
    const systems = job.strategy.matrix.os.map((os) => os.split('-')[0]);
    expect(new Set(systems)).toEqual(new Set(['ubuntu', 'windows', 'macos']));
  });

  it('installs Electron’s binary and runs the whole test command before anything is built', () => {
    const install = indexOf(/install-electron/);
    const test = indexOf(/^npm test$/);
    expect(install).toBeGreaterThan(-1);
    expect(test).toBeGreaterThan(install);
    expect(indexOf(/npm run dist/)).toBeGreaterThan(test);
  });

  it('runs the Electron suite twice, the second time against the packaged end-to-end build, and never lets it skip', () => {
    const suites = runs.flatMap((run, index) => (run.includes('npm run test:electron') ? [index] : []));
    expect(suites).toHaveLength(2);
    const e2eBuild = job.steps.findIndex((step) => step.env?.AUTOMATION_E2E_BUILD === '1' && /npm run dist:dir/.test(step.run ?? ''));
    expect(e2eBuild).toBeGreaterThan(suites[0]!);
    expect(suites[1]!).toBeGreaterThan(e2eBuild);
    expect(runs[suites[1]!]).toMatch(/AUTOMATION_ELECTRON_APP="\$\(node scripts\/release-files\.mjs executable --e2e\)"/);
    expect(fs.readFileSync(file, 'utf8')).not.toMatch(/^\s*AUTOMATION_SKIP_ELECTRON_TESTS:/m);
    expect(job.env?.CI).toBe('true');
  });

  it('builds the installers, writes their checksums and uploads both', () => {
    const installers = indexOf(/^npm run dist$/);
    const checksums = indexOf(/release-files\.mjs checksums/);
    expect(checksums).toBeGreaterThan(installers);
    const upload = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') && step.with?.path?.includes('SHA256SUMS.txt'));
    expect(upload?.with?.path).toMatch(/AppImage[\s\S]*deb[\s\S]*exe[\s\S]*dmg/);
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });
});
