// `npm run lint:electron`: Electronegativity (Doyensec's Electron security checks) over the app's sources, as one
// tree (src-main, src-renderer, src-shared and package.json), so its global checks see the main process and the
// renderer together. Fails on a HIGH finding (it has no higher level), on a MEDIUM finding that docs/security.md does
// not answer, on an answer there to a finding the scan no longer makes, and on a source file it could not parse.
import console from 'node:console';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { root } from './launch.mjs';

const require = createRequire(import.meta.url);
const SOURCES = ['src-main', 'src-renderer', 'src-shared', 'package.json'];
const REVIEW = path.join(root, 'docs', 'security.md');
/**
 * Left out: AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK asks GitHub for Electron's newest releases, so its answer depends on
 * the day and the network, not on the sources (docs/security.md, "What the scan leaves out").
 */
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck'];

/** The reviewed findings: rows `| CHECK_ID | path | severity | answer |` of docs/security.md's table. */
function reviewedFindings() {
  const rows = fs.readFileSync(REVIEW, 'utf8').matchAll(/^\| `([A-Z_]+)` \| `([^`]+)` \| (\w+) \|/gm);
  return [...rows].map(([, id, file, severity]) => ({ id, file, severity: severity.toUpperCase() }));
}

function loadElectronegativity() {
  try {
    return require('@doyensec/electronegativity');
  } catch {
    console.error('lint:electron needs @doyensec/electronegativity (a devDependency): run npm install first.');
    process.exit(1);
  }
}

async function scan() {
  const run = loadElectronegativity();
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'automation-electronegativity-'));
  try {
    for (const source of SOURCES) fs.cpSync(path.join(root, source), path.join(tree, source), { recursive: true });
    const electronVersion = require('electron/package.json').version;
    const result = await run({ input: tree, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: EXCLUDED, customScan: [] }, false);
    const relative = (file) => path.relative(tree, path.resolve(tree, file)).split(path.sep).join('/');
    return {
      electronVersion,
      checks: result.globalChecks + result.atomicChecks,
      unparsed: result.errors.filter((e) => !e.tolerable).map((e) => `${relative(e.file)}: ${e.message}`),
      findings: result.issues.map((i) => ({
        id: i.id,
        severity: i.severity.name,
        file: i.file === 'N/A' ? 'N/A' : relative(i.file),
        at: `${i.location.line}:${i.location.column}`,
        description: i.description,
      })),
    };
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}

const { electronVersion, checks, unparsed, findings } = await scan();
const reviewed = reviewedFindings();
const answered = (f) => reviewed.some((r) => r.id === f.id && r.file === f.file);
const problems = [
  ...unparsed.map((line) => `could not parse ${line} (the checks did not read it)`),
  ...findings.filter((f) => f.severity === 'HIGH').map((f) => `HIGH ${f.id} in ${f.file} ${f.at}: ${f.description}`),
  ...findings
    .filter((f) => f.severity === 'MEDIUM' && !answered(f))
    .map((f) => `MEDIUM ${f.id} in ${f.file} ${f.at} is not answered in docs/security.md: ${f.description}`),
  ...reviewed
    .filter((r) => !findings.some((f) => f.id === r.id && f.file === r.file && f.severity === r.severity))
    .map((r) => `docs/security.md answers ${r.severity} ${r.id} in ${r.file}, which the scan no longer reports: update the answer`),
];
for (const f of findings) console.log(`${f.severity.padEnd(13)} ${f.id.padEnd(36)} ${f.file} ${f.at}${answered(f) ? '  (answered)' : ''}`);
const count = (severity) => findings.filter((f) => f.severity === severity).length;
console.log(
  `electronegativity: ${checks} checks for Electron ${electronVersion}; findings: ${count('HIGH')} high, ${count('MEDIUM')} medium, ` +
    `${count('LOW')} low, ${count('INFORMATIONAL')} informational; ${problems.length} problems`,
);
for (const problem of problems) console.error(`  ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
