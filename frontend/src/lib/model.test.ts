import { describe, expect, it } from 'vitest';
import { backupKindKey, toBackup, toInfo, toPrefs, toWorkspace } from './model';
import en from './locales/en';
import fr from './locales/fr';

describe('toWorkspace', () => {
  it('fills what Go sends as null (nil slices, no logo)', () => {
    const w = toWorkspace({
      id: 'w1',
      name: 'Lumière',
      color: '#4f46e5',
      timezone: 'Europe/Paris',
      language: 'fr',
      logo: null,
      brandKit: { colors: null, tone: '', hashtags: null, signature: '' },
      pillars: null,
      charter: { text: '', bannedWords: null },
      archived: false,
      createdAt: '2025-01-01T00:00:00Z',
      updatedAt: '2025-01-01T00:00:00Z',
    });
    expect(w.brandKit.colors).toEqual([]);
    expect(w.brandKit.hashtags).toEqual([]);
    expect(w.pillars).toEqual([]);
    expect(w.charter.bannedWords).toEqual([]);
    expect(w.logo).toBeNull();
  });

  it('keeps a logo and pillars', () => {
    const w = toWorkspace({
      id: 'w1',
      logo: { name: 'l.png', format: 'png', width: 48, height: 48, dataUrl: 'data:image/png;base64,AA==' },
      pillars: [{ id: 'p', name: 'A', color: '#000000', target: 30 }],
    });
    expect(w.logo?.width).toBe(48);
    expect(w.pillars[0].target).toBe(30);
    expect(w.brandKit).toEqual({ colors: [], tone: '', hashtags: [], signature: '' });
  });
});

describe('other DTOs', () => {
  it('reads prefs, defaulting to the system', () => {
    expect(toPrefs({ language: 'fr', theme: 'dark' })).toEqual({ language: 'fr', theme: 'dark' });
    expect(toPrefs({ language: 'de', theme: null })).toEqual({ language: 'system', theme: 'system' });
  });
  it('reads a start error as an AppError', () => {
    const i = toInfo({ version: 'dev', startError: { code: 'store.locked' } });
    expect(i.startError?.code).toBe('store.locked');
    expect(toInfo({ startError: null }).startError).toBeNull();
  });
  it('reads backups', () => {
    expect(toBackup({ path: '/b/x.relaisbak', name: 'x.relaisbak', size: 10, created: 'c' }).size).toBe(10);
    expect(toBackup(null)).toEqual({ path: '', name: '', size: 0, created: '', manual: false, reason: '' });
  });

  it('describes each kind of backup, in both languages', () => {
    const kinds: [Record<string, unknown>, string][] = [
      [{ manual: true }, 'manual'],
      [{ reason: 'before-delete' }, 'before-delete'],
      [{ reason: 'before-restore' }, 'before-restore'],
      [{ reason: 'before-migration-v3' }, 'before-migration'],
      [{ reason: 'something-new' }, 'auto'],
      [{}, 'auto'],
    ];
    for (const [raw, kind] of kinds) {
      const key = backupKindKey(toBackup(raw));
      expect(key).toBe(`settings.backupKind.${kind}`);
      for (const tree of [en, fr] as Record<string, unknown>[]) {
        const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], tree);
        expect(typeof v, `${key} in a locale`).toBe('string');
      }
    }
  });
});
