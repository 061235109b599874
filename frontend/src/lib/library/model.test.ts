import { describe, expect, it } from 'vitest';
import {
  batches,
  dayEnd,
  dayStart,
  combineProgress,
  emptyQuery,
  failureError,
  filtersActive,
  toAsset,
  toImportProgress,
  toRendition,
  toSearchResult,
  toGoQuery,
  toTagCounts,
} from './model';

describe('toAsset', () => {
  it('fills what Go sends as null and keeps the focal point inside 0..1', () => {
    const a = toAsset({
      id: 'a1',
      workspaceId: 'w1',
      name: 'terrasse.jpg',
      format: 'jpeg',
      width: 4000,
      height: 3000,
      bytes: 123456,
      takenAt: '',
      importedAt: '2026-11-23T10:00:00Z',
      tags: null,
      alt: '',
      focalX: 1.4,
      focalY: null,
      usedBy: null,
      animated: false,
      orientation: 'landscape',
      thumb: '/library/thumb/a1',
    });
    expect(a.tags).toEqual([]);
    expect(a.usedBy).toEqual([]);
    expect(a.focalX).toBe(1);
    expect(a.focalY).toBe(0.5);
    expect(a.preview).toBe('/library/thumb/a1');
  });
  it('derives the orientation when Go does not send it', () => {
    expect(toAsset({ width: 10, height: 20 }).orientation).toBe('portrait');
    expect(toAsset({ width: 20, height: 20 }).orientation).toBe('square');
  });
});

describe('search, tags and renditions', () => {
  it('reads an empty result', () => {
    expect(toSearchResult({ total: 0, assets: null })).toEqual({ total: 0, assets: [] });
  });
  it('drops empty tags', () => {
    expect(toTagCounts([{ tag: 'menu', count: 3 }, { tag: '', count: 1 }])).toEqual([{ tag: 'menu', count: 3 }]);
    expect(toTagCounts(null)).toEqual([]);
  });
  it('reads a rendition and its crop', () => {
    const r = toRendition({ presetId: 'x', url: '/u', width: 1200, height: 675, bytes: 9, crop: { x: 1, y: 2, w: 3, h: 4 }, manual: true });
    expect(r.crop).toEqual({ x: 1, y: 2, w: 3, h: 4 });
    expect(r.manual).toBe(true);
  });
});

describe('import progress', () => {
  it('reads failures and names the file for the sentence', () => {
    const p = toImportProgress({
      importId: 'i1',
      total: 3,
      done: 3,
      imported: 1,
      duplicates: 1,
      failed: [{ name: 'broken.jpg', code: 'library.corrupt', info: null }],
      finished: true,
    });
    expect(p.failed).toHaveLength(1);
    const e = failureError(p.failed[0]);
    expect(e.code).toBe('library.corrupt');
    expect(e.info.file).toBe('broken.jpg');
  });
  it('adds up several imports and finishes only when all did', () => {
    const a = toImportProgress({ importId: 'a', total: 5, done: 5, imported: 4, duplicates: 1, failed: null, finished: true });
    const b = toImportProgress({ importId: 'b', total: 3, done: 1, imported: 1, duplicates: 0, failed: [{ name: 'x', code: 'c' }] });
    let t = combineProgress([a, b]);
    expect(t).toMatchObject({ total: 8, done: 6, imported: 5, duplicates: 1, finished: false });
    expect(t.failed).toHaveLength(1);
    t = combineProgress([a], 2);
    expect(t).toMatchObject({ shared: 0, sharedWith: [] });
    expect(t.finished).toBe(false);
    t = combineProgress([a, { ...b, done: 3, finished: true }]);
    expect(t.finished).toBe(true);
  });
  it('says which files another client already had, each client once', () => {
    const a = toImportProgress({ importId: 'a', total: 2, done: 2, imported: 2, shared: 1, sharedWith: ['Fournil'], finished: true });
    const b = toImportProgress({ importId: 'b', total: 2, done: 2, imported: 2, shared: 2, sharedWith: ['Fournil', 'Lait Cru', 3], finished: true });
    expect(b.sharedWith).toEqual(['Fournil', 'Lait Cru']);
    expect(combineProgress([a, b])).toMatchObject({ imported: 4, shared: 3, sharedWith: ['Fournil', 'Lait Cru'], finished: true });
    expect(toImportProgress({ importId: 'c' })).toMatchObject({ shared: 0, sharedWith: [] });
  });
  it('splits files into batches by size', () => {
    const f = (size: number) => ({ size });
    expect(batches([f(5), f(5), f(5)], 10).map((b) => b.length)).toEqual([2, 1]);
    expect(batches([f(50), f(1)], 10).map((b) => b.length)).toEqual([1, 1]);
    expect(batches([], 10)).toEqual([]);
  });
});

describe('filters', () => {
  it('counts the active filters', () => {
    const q = emptyQuery('w1');
    expect(filtersActive(q)).toBe(0);
    expect(filtersActive({ ...q, tags: ['menu'], used: 'unused', from: '2026-01-01' })).toBe(3);
  });
});

describe('dates for Go', () => {
  it('sends the whole local days as instants, the end excluded', () => {
    const from = new Date(dayStart('2026-03-01'));
    const to = new Date(dayEnd('2026-03-31'));
    expect([from.getFullYear(), from.getMonth(), from.getDate(), from.getHours(), from.getMinutes()]).toEqual([2026, 2, 1, 0, 0]);
    expect([to.getFullYear(), to.getMonth(), to.getDate(), to.getHours(), to.getMinutes()]).toEqual([2026, 3, 1, 0, 0]);
    expect(dayStart('')).toBe('');
    expect(toGoQuery({ ...emptyQuery('w'), from: '2026-03-01' }).to).toBe('');
  });

  it("reads the days on the client's wall clock, whatever this computer's zone", () => {
    expect(dayStart('2026-03-01', 'Asia/Tokyo')).toBe('2026-02-28T15:00:00.000Z');
    // Paris moves to summer time on 29 March 2026: 1 April starts at 22:00 UTC.
    expect(dayEnd('2026-03-31', 'Europe/Paris')).toBe('2026-03-31T22:00:00.000Z');
    expect(dayStart('2026-03-01', 'Europe/Paris')).toBe('2026-02-28T23:00:00.000Z');
    expect(dayStart('2026-3-1', 'Europe/Paris')).toBe('');
    const q = toGoQuery({ ...emptyQuery('w'), from: '2026-03-01', to: '2026-03-01', zone: 'America/New_York' });
    expect([q.from, q.to]).toEqual(['2026-03-01T05:00:00.000Z', '2026-03-02T05:00:00.000Z']);
    expect('zone' in q).toBe(false);
  });
});
