import { describe, expect, it } from 'vitest';
import { adoptSaved, appendBlock, applyFix, hashtagLine, historyKey, insertAt, setTargets } from './edit';
import { toPost, toPostAccount } from './model';

describe('insertAt', () => {
  it('inserts at the cursor with spaces where words would stick', () => {
    expect(insertAt('Hello world', 5, 5, '#a #b')).toEqual({ value: 'Hello #a #b world', caret: 11 });
    expect(insertAt('Hello ', 6, 6, '#a')).toEqual({ value: 'Hello #a', caret: 8 });
    expect(insertAt('', 0, 0, 'Hi')).toEqual({ value: 'Hi', caret: 2 });
  });
  it('replaces a selection', () => {
    expect(insertAt('Hello big world', 6, 9, 'small')).toEqual({ value: 'Hello small world', caret: 11 });
  });
  it('keeps positions inside the text', () => {
    expect(insertAt('ab', 10, 20, 'c').value).toBe('ab c');
  });
});

describe('appendBlock', () => {
  it('adds the block after a blank line, once', () => {
    expect(appendBlock('Bonjour !  \n', '— L’équipe').value).toBe('Bonjour !\n\n— L’équipe');
    expect(appendBlock('Bonjour\n\n— L’équipe', '— L’équipe').value).toBe('Bonjour\n\n— L’équipe');
    expect(appendBlock('', '#a').value).toBe('#a');
  });
});

describe('hashtagLine', () => {
  it('writes tags with one #', () => {
    expect(hashtagLine(['#café', 'lyon', '##x', ' '])).toBe('#café #lyon #x');
  });
});

const accounts = [
  toPostAccount({ id: 'm', network: 'mastodon' }),
  toPostAccount({ id: 'b', network: 'bluesky' }),
];

describe('setTargets', () => {
  it('keeps existing variants and starts new ones with the shared visuals', () => {
    const p = toPost({
      variants: [{ id: 'v1', accountId: 'b', network: 'bluesky', ownText: true, text: 'own', assets: [{ assetId: 'a1', presetId: 'bluesky' }] }],
    });
    const vs = setTargets(p, ['b', 'm'], accounts);
    expect(vs.map((v) => v.accountId)).toEqual(['m', 'b']);
    expect(vs[1]).toBe(p.variants[0]);
    expect(vs[0]).toMatchObject({ id: '', network: 'mastodon', ownText: false, assets: [{ assetId: 'a1', presetId: '' }] });
    expect(setTargets(p, [], accounts)).toEqual([]);
  });
});

describe('applyFix', () => {
  it('switches the asset to the suggested rendition', () => {
    const v = toPost({ variants: [{ assets: [{ assetId: 'a' }, { assetId: 'b' }] }] }).variants[0];
    const fixed = applyFix(v, { kind: 'rendition', assetId: 'b', presetId: 'instagram-portrait' });
    expect(fixed.assets.map((a) => a.presetId)).toEqual(['', 'instagram-portrait']);
  });
});

describe('adoptSaved', () => {
  it('takes the version and new ids but keeps the text on screen', () => {
    const draft = toPost({ text: 'typing more', version: 1, variants: [{ accountId: 'm' }] });
    const saved = toPost({ text: 'typing', version: 2, updatedAt: '2026-11-23T10:00:00Z', variants: [{ id: 'v9', accountId: 'm' }] });
    const out = adoptSaved(draft, saved);
    expect(out).toMatchObject({ text: 'typing more', version: 2, updatedAt: '2026-11-23T10:00:00Z' });
    expect(out.variants[0].id).toBe('v9');
  });

  it('takes the status Go stored, unless the user changed it meanwhile', () => {
    const sent = toPost({ text: 'trop long', status: 'scheduled', version: 3, variants: [{ id: 'v1', accountId: 'm' }] });
    const saved = toPost({ ...sent, status: 'approved', version: 4 });
    const typing = { ...sent, text: 'trop long encore' };
    expect(adoptSaved(typing, saved, sent)).toMatchObject({ status: 'approved', text: 'trop long encore', version: 4 });
    const changed = { ...sent, status: 'draft' as const };
    expect(adoptSaved(changed, saved, sent).status).toBe('draft');
  });
});

describe('historyKey', () => {
  const k = (over: Partial<Parameters<typeof historyKey>[0]>) => ({ key: 'z', code: 'KeyW', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...over });
  it('reads Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y, and ⌘ on macOS', () => {
    expect(historyKey(k({ ctrlKey: true }), false)).toBe('undo'); // AZERTY: Z is on the W key
    expect(historyKey(k({ ctrlKey: true, shiftKey: true, key: 'Z' }), false)).toBe('redo');
    expect(historyKey(k({ ctrlKey: true, key: 'y', code: 'KeyY' }), false)).toBe('redo');
    expect(historyKey(k({ metaKey: true }), true)).toBe('undo');
    expect(historyKey(k({ ctrlKey: true }), true)).toBeNull();
    expect(historyKey(k({ key: 'z' }), false)).toBeNull();
  });
});
