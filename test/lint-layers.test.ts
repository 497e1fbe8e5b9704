// The layers (docs/architecture.md, "Three floors") are enforced by lint, not by convention.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const eslint = new ESLint({ cwd: root });

async function lintAs(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import layers', () => {
  it('refuses a renderer import from src-main', async () => {
    const messages = await lintAs('src-renderer/probe.ts', "import { openDatabaseFile } from '../src-main/db/connection';\nexport const x = openDatabaseFile;\n");
    expect(messages.join('\n')).toMatch(/import-x\/no-restricted-paths/);
  });

  it('refuses node, electron and react imports in src-shared', async () => {
    for (const module of ['node:fs', 'fs', 'electron', 'react', 'better-sqlite3']) {
      const messages = await lintAs('src-shared/probe.ts', `import m from '${module}';\nexport const x = m;\n`);
      expect(messages.join('\n'), module).toMatch(/no-restricted-imports/);
    }
  });

  it('refuses a src-shared import from src-main', async () => {
    const messages = await lintAs('src-shared/probe.ts', "import { dbFlag } from '../src-main/db/paths';\nexport const x = dbFlag;\n");
    expect(messages.join('\n')).toMatch(/import-x\/no-restricted-paths/);
  });

  it('puts every folder and file of src-main on a floor (MAIN_FLOORS), so none is outside the rules', async () => {
    const config = (await eslint.calculateConfigForFile(path.join(root, 'src-main/startup.ts'))) as { rules: Record<string, [unknown, { zones: { target: string; from: string }[] }]> };
    // The top floor is never a target (nothing is above it): it shows as a `from`.
    const onFloors = new Set(config.rules['import-x/no-restricted-paths']![1].zones.flatMap((zone) => [zone.target, zone.from]));
    const entries = fs.readdirSync(path.join(root, 'src-main')).map((name) => `./src-main/${name}`);
    expect(entries.filter((entry) => !onFloors.has(entry))).toEqual([]);
  });

  it('refuses an import of a higher floor of src-main', async () => {
    const messages = await lintAs('src-main/views/probe.ts', "import { createAppCore } from '../app-core';\nexport const x = createAppCore;\n");
    expect(messages.join('\n')).toMatch(/src-main\/views is on a lower floor of src-main than src-main\/app-core\.ts/);
  });

  it('allows src-main and src-renderer to import src-shared', async () => {
    const code = "import { RUN_STATUSES } from '../src-shared/domain';\nexport const x = RUN_STATUSES;\n";
    expect(await lintAs('src-main/probe.ts', code)).toEqual([]);
    expect(await lintAs('src-renderer/probe.ts', code)).toEqual([]);
  });
});
