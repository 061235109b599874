import { describe, expect, it } from 'vitest';
import { editKey, fromPost, rulesFor, toPost, toPostAccount, toRules, variantText } from './model';

describe('toPost', () => {
  it('fills what Go leaves null and reads Go’s zero time as none', () => {
    const p = toPost({
      id: 'p1',
      status: 'review',
      labels: null,
      variants: [{ accountId: 'a', assets: null, problems: [{ code: 'wrongAspect', info: { aspect: 0.56 }, fix: { kind: 'rendition', assetId: 'x', presetId: 'instagram-portrait' } }] }],
      due: '0001-01-01T00:00:00Z',
      brief: null,
    });
    expect(p.labels).toEqual([]);
    expect(p.due).toBe('');
    expect(p.brief).toBeNull();
    expect(p.variants[0].assets).toEqual([]);
    expect(p.variants[0].problems[0].fix).toEqual({ kind: 'rendition', assetId: 'x', presetId: 'instagram-portrait' });
    expect(toPost({ status: 'bogus' }).status).toBe('draft');
  });
});

describe('fromPost', () => {
  it('sends no problems and leaves out an empty due', () => {
    const p = toPost({ id: 'p', text: 'hi', variants: [{ accountId: 'a', problems: [{ code: 'tooLong' }] }] });
    const out = fromPost(p);
    expect('due' in out).toBe(false);
    expect((out.variants as { problems: unknown[] }[])[0].problems).toEqual([]);
    expect(fromPost({ ...p, due: '2027-03-30T16:00:00Z' }).due).toBe('2027-03-30T16:00:00Z');
  });
});

describe('editKey', () => {
  it('ignores what Go assigns (ids, version, stamps, problems) but not the user’s edits', () => {
    const a = toPost({ text: 'x', version: 1, variants: [{ id: '', accountId: 'm' }] });
    const b = toPost({ text: 'x', version: 2, updatedAt: '2026-11-23T10:00:00Z', variants: [{ id: 'v1', accountId: 'm', problems: [{ code: 'needsText' }] }] });
    expect(editKey(a)).toBe(editKey(b));
    expect(editKey(a)).not.toBe(editKey({ ...a, text: 'y' }));
  });
});

describe('rulesFor', () => {
  it('takes the server’s own limits (a Mastodon instance)', () => {
    const rules = [toRules({ network: 'mastodon', maxChars: 500, counting: 'chars', urlLength: 23, maxImages: 4 })];
    const acc = toPostAccount({ id: 'a', network: 'mastodon', limits: { maxChars: 1000, charsPerUrl: 0, maxMedia: 0 } });
    expect(rulesFor(rules, 'mastodon', acc)).toMatchObject({ maxChars: 1000, urlLength: 23, maxImages: 4 });
    expect(rulesFor(rules, 'bluesky', acc)).toBeNull();
  });
});

describe('variantText', () => {
  it('is the master text unless the variant has its own', () => {
    const p = toPost({ text: 'master', variants: [{ ownText: false, text: 'stale' }, { ownText: true, text: 'own' }] });
    expect(variantText(p, p.variants[0])).toBe('master');
    expect(variantText(p, p.variants[1])).toBe('own');
  });
});
