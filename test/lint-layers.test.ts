// The layers (docs/architecture.md, "Three floors") are enforced by lint, not by convention.
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

  it('allows src-main and src-renderer to import src-shared', async () => {
    const code = "import { RUN_STATUSES } from '../src-shared/domain';\nexport const x = RUN_STATUSES;\n";
    expect(await lintAs('src-main/probe.ts', code)).toEqual([]);
    expect(await lintAs('src-renderer/probe.ts', code)).toEqual([]);
  });
});
