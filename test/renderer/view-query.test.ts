// The Automation view's URL (src-renderer/automation/view-query.ts) with tag filters (`tag=env%3Dprod`, one param per
// tag), and the tags as the forms and the history's filter edit them (src-renderer/lib/tag-rows.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobRunFiltersSchema } from '../../src-shared/schemas/jobs';
import { MAX_TAGS, tagProblem, type RunTags } from '../../src-shared/tags';
import { formatAutomationQuery, historyQuery, parseAutomationQuery } from '../../src-renderer/automation/view-query';
import { parseTagFilter, tagErrorsOf, tagPaths, tagRow, tagRowProblems, tagRows, tagsInput, tagsOfRows, withoutTag, withTag } from '../../src-renderer/lib/tag-rows';

const parse = (search: string) => parseAutomationQuery(new URLSearchParams(search));
const noUser = () => undefined;

describe('tag filters in the Automation URL', () => {
  it('reads each tag param as name=value, by name, and writes them back one param per tag', () => {
    const state = parse('status=failed&tag=team%3Dops&tag=env%3Dprod&q=x');
    expect(state.tags).toEqual({ env: 'prod', team: 'ops' });
    expect(Object.keys(state.tags)).toEqual(['env', 'team']);
    const query = formatAutomationQuery(state);
    expect(query.getAll('tag')).toEqual(['env=prod', 'team=ops']);
    expect(query.toString()).toBe('status=failed&q=x&tag=env%3Dprod&tag=team%3Dops');
  });

  it('keeps a value with = and spaces in it whole', () => {
    const state = parse(`tag=${encodeURIComponent('query=a=b c')}`);
    expect(state.tags).toEqual({ query: 'a=b c' });
    expect(parse(formatAutomationQuery(state).toString()).tags).toEqual({ query: 'a=b c' });
  });

  it('leaves out a tag that is not name=value or that no run could carry, and takes the later value of a name given twice', () => {
    const state = parse(['tag=nothing', 'tag=%3Dprod', 'tag=env%3D', 'tag=has%20space%3Dx', 'tag=env%3Dstaging', 'tag=env%3Dprod', 'tag=ok%3D1'].join('&'));
    expect(state.tags).toEqual({ env: 'prod', ok: '1' });
  });

  it(`takes at most ${MAX_TAGS} names`, () => {
    const params = Array.from({ length: MAX_TAGS + 3 }, (_, i) => `tag=k${String(i).padStart(2, '0')}%3Dv`).join('&');
    const tags = parse(params).tags;
    expect(Object.keys(tags)).toHaveLength(MAX_TAGS);
    expect(tags).not.toHaveProperty('k10');
  });

  it('has no tags when the URL has none, and writes none', () => {
    expect(parse('').tags).toEqual({});
    expect(formatAutomationQuery(parse('status=failed')).has('tag')).toBe(false);
  });

  it('gives the tags to the history’s filters, which the contract accepts; none, no tags filter', () => {
    const { filters } = historyQuery(parse('tag=env%3Dprod&tag=team%3Dops'), noUser);
    expect(filters.tags).toEqual({ env: 'prod', team: 'ops' });
    expect(jobRunFiltersSchema.safeParse(filters).success).toBe(true);
    expect(historyQuery(parse('status=failed'), noUser).filters).not.toHaveProperty('tags');
  });

  it('hides the Tags column by choice (hide=tags)', () => {
    expect(parse('hide=tags,error').hidden).toEqual(['tags', 'error']);
    expect(formatAutomationQuery(parse('hide=tags')).get('hide')).toBe('tags');
  });

  it('round trips any tags a run may carry, and their filters always pass the contract', () => {
    const key = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,20}$/);
    const value = fc.string({ minLength: 1, maxLength: 30 }).filter((text) => tagProblem('k', text) === null);
    const tagsArb = fc.dictionary(key, value, { maxKeys: MAX_TAGS });
    fc.assert(
      fc.property(tagsArb, (tags: RunTags) => {
        const state = { ...parse(''), tags };
        const again = parse(formatAutomationQuery(state).toString());
        expect(again.tags).toEqual(tags);
        expect(formatAutomationQuery(again).toString()).toBe(formatAutomationQuery(state).toString());
        expect(jobRunFiltersSchema.safeParse(historyQuery(again, noUser).filters).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tags as the forms edit them', () => {
  it('turns rows into tags: names without spaces around them, values as typed, blank rows left out', () => {
    const rows = [tagRow(' env ', 'prod '), tagRow('', ''), tagRow('team', 'ops')];
    expect(tagsOfRows(rows)).toEqual({ env: 'prod ', team: 'ops' });
    expect(tagsOfRows(tagRows({ b: '2', a: '1' }))).toEqual({ a: '1', b: '2' });
    expect(tagRows({ b: '2', a: '1' }).map((row) => row.key)).toEqual(['a', 'b']);
  });

  it('says what is wrong with each row in words: no name, a name given twice, no value, a name it cannot have', () => {
    const rows = [tagRow('env', 'prod'), tagRow('', 'orphan'), tagRow('env', 'staging'), tagRow('team', ''), tagRow('has space', 'x'), tagRow('', '')];
    expect(tagRowProblems(rows)).toEqual([
      null,
      'A tag must have a name.',
      'Tag “env” is given twice: keep one.',
      'Tag “team” must have a value.',
      'Tag “has space” must have a name that starts with a letter or digit and holds only letters, digits and _ . : / -.',
      null,
    ]);
  });

  it('sends no tags at all when there are none', () => {
    expect(tagsInput({})).toEqual({});
    expect(tagsInput({ env: 'prod' })).toEqual({ tags: { env: 'prod' } });
  });

  it('places main’s messages: a tag’s under its row, the rest under them all', () => {
    const rows = [tagRow('env', 'prod'), tagRow('team', 'ops')];
    expect(tagPaths(rows)).toEqual(['tags', 'tags.env', 'tags.team']);
    expect(tagErrorsOf({ 'tags.team': 'Tag “team” is refused.', tags: 'Tags can be at most 10 per run.', name: 'other' }, rows)).toEqual({
      rows: [undefined, 'Tag “team” is refused.'],
      all: 'Tags can be at most 10 per run.',
    });
  });
});

describe('a tag typed into the history’s filter', () => {
  it('is name=value, or a sentence saying why not', () => {
    expect(parseTagFilter(' env=prod ')).toEqual({ tag: ['env', 'prod'] });
    expect(parseTagFilter('a=b=c')).toEqual({ tag: ['a', 'b=c'] });
    expect(parseTagFilter('env')).toEqual({ error: 'Write a tag as name=value, such as env=prod.' });
    expect(parseTagFilter('env=')).toEqual({ error: 'Write a tag as name=value, such as env=prod.' });
    expect(parseTagFilter('my env=prod')).toEqual({ error: expect.stringMatching(/^Tag “my env” must have a name that starts with a letter or digit/) });
  });

  it('adds (a new value replacing the old one of the same name) and removes, keeping the tags by name', () => {
    expect(withTag({ team: 'ops' }, 'env', 'prod')).toEqual({ env: 'prod', team: 'ops' });
    expect(Object.keys(withTag({ team: 'ops' }, 'env', 'prod'))).toEqual(['env', 'team']);
    expect(withTag({ env: 'staging' }, 'env', 'prod')).toEqual({ env: 'prod' });
    expect(withoutTag({ env: 'prod', team: 'ops' }, 'env')).toEqual({ team: 'ops' });
    const full = Object.fromEntries(Array.from({ length: MAX_TAGS }, (_, i) => [`k${i}`, 'v']));
    expect(withTag(full, 'another', 'v')).toBe(full);
    expect(withTag(full, 'k0', 'w').k0).toBe('w');
  });
});
