// Links into the app (src-shared/deep-links.ts): what the desktop app is sent to by automation-console://…, and the
// link "Copy link" makes there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepLinkFor, deepLinkInArgv, deepLinkTarget } from '../../src-shared/deep-links';

describe('deep links', () => {
  it('send the app to the path and query they name, with one slash or three', () => {
    expect(deepLinkTarget('automation-console://runs/12')).toBe('/runs/12');
    expect(deepLinkTarget('automation-console:///runs/12')).toBe('/runs/12');
    expect(deepLinkTarget('AUTOMATION-CONSOLE://compare/periods?a=2026-11-30..2026-12-06&b=x')).toBe('/compare/periods?a=2026-11-30..2026-12-06&b=x');
    expect(deepLinkTarget('automation-console://automation/?status=failed#ignored')).toBe('/automation?status=failed');
    expect(deepLinkTarget('automation-console://')).toBe('/automation');
  });

  it('refuse anything else: another scheme, a path that climbs or carries other characters, an over-long link', () => {
    for (const link of [
      'https://example.com/runs/12',
      'javascript:alert(1)',
      'automation-consoles://runs/12',
      'automation-console://runs/../admin',
      'automation-console://runs/12%2F..',
      'automation-console://runs/<script>',
      'automation-console://a/b/c/d/e',
      `automation-console://runs/${'9'.repeat(3000)}`,
    ]) {
      expect(deepLinkTarget(link), link).toBeNull();
    }
  });

  it('a link made for a path and query opens that path and query', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 })), (segments, params) => {
        const path = `/${segments.join('/')}`;
        const query = new URLSearchParams(params);
        const search = query.toString();
        expect(deepLinkTarget(deepLinkFor(path, query))).toBe(search ? `${path}?${search}` : path);
      }),
    );
  });

  it('are found among the arguments a launch gets (Windows and Linux pass the link so)', () => {
    expect(deepLinkInArgv(['/opt/Automation Console/automation-console', '--db', '/data/a.db', 'automation-console://runs/7'])).toBe('/runs/7');
    expect(deepLinkInArgv(['automation-console', '--no-sandbox'])).toBeNull();
  });
});
