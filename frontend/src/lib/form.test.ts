import { describe, expect, it } from 'vitest';
import {
  addChips,
  changedFields,
  isDirty,
  newPillar,
  nextColour,
  normHex,
  PALETTE,
  pillarTotal,
  settingsOf,
  splitChips,
  toSend,
} from './form';
import type { WorkspaceSettings } from './model';

function base(): WorkspaceSettings {
  return {
    name: 'Café Lumière',
    color: '#4f46e5',
    timezone: 'Europe/Paris',
    language: 'fr',
    brandKit: { colors: ['#c2410c'], tone: 'Chaleureux', hashtags: ['#cafe'], signature: '— L’équipe' },
    pillars: [
      { id: 'p1', name: 'Coulisses', color: '#16a34a', target: 40 },
      { id: 'p2', name: 'Produits', color: '#0891b2', target: 35 },
    ],
    charter: { text: 'On répond vite.', bannedWords: ['arnaque'] },
  };
}

describe('settingsOf', () => {
  it('copies deeply: editing the copy leaves the original alone', () => {
    const a = base();
    const b = settingsOf(a);
    b.brandKit.hashtags.push('#x');
    b.pillars[0].target = 90;
    b.charter.bannedWords.length = 0;
    expect(a).toEqual(base());
  });
});

describe('changedFields', () => {
  const edits: [string, (s: WorkspaceSettings) => void, string[]][] = [
    ['nothing', () => {}, []],
    ['the name', (s) => (s.name = 'Café'), ['name']],
    ['the colour', (s) => (s.color = '#000000'), ['color']],
    ['the colour case only', (s) => (s.color = '#4F46E5'), []],
    ['the timezone', (s) => (s.timezone = 'Asia/Tokyo'), ['timezone']],
    ['the language', (s) => (s.language = 'en'), ['language']],
    ['a brand colour', (s) => s.brandKit.colors.push('#ffffff'), ['brandKit.colors']],
    ['the tone', (s) => (s.brandKit.tone += '!'), ['brandKit.tone']],
    ['hashtag order', (s) => s.brandKit.hashtags.unshift('#a'), ['brandKit.hashtags']],
    ['the signature', (s) => (s.brandKit.signature = ''), ['brandKit.signature']],
    ['a pillar share', (s) => (s.pillars[1].target = 36), ['pillars']],
    ['a pillar share typed as text', (s) => ((s.pillars[1] as { target: unknown }).target = '35'), []],
    ['pillar order', (s) => s.pillars.reverse(), ['pillars']],
    ['a removed pillar', (s) => s.pillars.pop(), ['pillars']],
    ['the charter', (s) => (s.charter.text = ''), ['charter.text']],
    ['a banned word', (s) => s.charter.bannedWords.push('spam'), ['charter.bannedWords']],
    [
      'several things',
      (s) => {
        s.name = 'X';
        s.charter.bannedWords = [];
      },
      ['name', 'charter.bannedWords'],
    ],
  ];
  it.each(edits)('sees a change to %s', (_, edit, want) => {
    const draft = settingsOf(base());
    edit(draft);
    expect(changedFields(base(), draft)).toEqual(want);
    expect(isDirty(base(), draft)).toBe(want.length > 0);
  });
});

describe('pillars', () => {
  it('adds the shares, reading empty fields as 0', () => {
    expect(pillarTotal([{ target: 40 }, { target: 35 }, { target: 25 }])).toBe(100);
    expect(pillarTotal([{ target: 60 }, { target: null as unknown as number }, { target: Number.NaN }])).toBe(60);
    expect(pillarTotal([])).toBe(0);
  });

  it('sends integer shares to Go', () => {
    const s = base();
    s.pillars[0].target = 12.6;
    s.pillars[1].target = null as unknown as number;
    expect(toSend(s).pillars.map((p) => p.target)).toEqual([13, 0]);
    expect(s.pillars[0].target).toBe(12.6);
  });

  it('gives a new pillar an unused colour', () => {
    const p = newPillar([{ id: 'a', name: 'A', color: PALETTE[0], target: 0 }]);
    expect(p).toEqual({ id: '', name: '', color: PALETTE[1], target: 0 });
    expect(nextColour(PALETTE)).toBe(PALETTE[0]);
  });
});

describe('chips', () => {
  it.each([
    ['#cafe', ['#cafe']],
    ['cafe', ['#cafe']],
    ['##cafe', ['#cafe']],
    ['＃café', ['#café']],
    ['lumiere, brunch  #paris;', ['#lumiere', '#brunch', '#paris']],
    ['  ', []],
    ['#', []],
  ])('hashtags from %j', (text, want) => expect(splitChips(text, 'hashtag')).toEqual(want));

  it.each([
    ['remboursez-moi', ['remboursez-moi']],
    ['arnaque, site  pourri\nbof', ['arnaque', 'site pourri', 'bof']],
    [' , ', []],
  ])('phrases from %j', (text, want) => expect(splitChips(text, 'phrase')).toEqual(want));

  it('adds only new entries, ignoring case', () => {
    expect(addChips(['#Cafe'], ['#cafe', '#brunch', '#BRUNCH'])).toEqual(['#Cafe', '#brunch']);
  });
});

describe('normHex', () => {
  it.each([
    ['#4F46E5', '#4f46e5'],
    ['4f46e5', '#4f46e5'],
    [' #abc ', '#aabbcc'],
    ['#12345z', null],
    ['#1234', null],
    ['', null],
    ['red', null],
  ])('%j -> %j', (input, want) => expect(normHex(input)).toBe(want));
});
