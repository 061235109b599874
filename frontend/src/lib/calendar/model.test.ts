import { describe, expect, it } from 'vitest';
import { sameEntry, toEntry, toImportPreview, toLabels } from './model';

describe('what Go sends', () => {
  it('fills what Go leaves out and reads a zero time as none', () => {
    const e = toEntry({ id: 'p1', due: '0001-01-01T00:00:00Z', networks: null, labels: null });
    expect(e).toMatchObject({ id: 'p1', due: '', zone: 'UTC', status: 'draft', networks: [], labels: [], problems: 0 });
  });
  it('reads an import preview with row errors', () => {
    const p = toImportPreview({
      token: 't',
      ok: false,
      rows: [{ line: 2, due: '', accounts: null, text: 'x', errors: [{ column: 'accounts', code: 'post.unknownAccount', info: { name: '@nope' } }] }],
    });
    expect(p.rows[0]).toEqual({
      line: 2,
      due: '',
      accounts: [],
      accountNames: [],
      text: 'x',
      errors: [{ column: 'accounts', code: 'post.unknownAccount', info: { name: '@nope' } }],
    });
  });
  it('accepts labels as names or objects', () => {
    expect(toLabels(['a', { name: 'b' }, 3])).toEqual(['a', 'b']);
  });
  it('compares entries by what the calendar shows', () => {
    const a = toEntry({ id: 'p', due: '2027-01-01T10:00:00Z', labels: ['x'] });
    expect(sameEntry(a, { ...a })).toBe(true);
    expect(sameEntry(a, { ...a, labels: ['y'] })).toBe(false);
  });
});
