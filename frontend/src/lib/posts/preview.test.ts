import { describe, expect, it } from 'vitest';
import { CUTS, layout, linkDomain, truncate } from './preview';

describe('truncate', () => {
  it('keeps a short text whole', () => {
    expect(truncate('Bonjour', CUTS.instagram)).toEqual({ shown: 'Bonjour', cut: false });
    expect(truncate('x'.repeat(2000), CUTS.bluesky)).toEqual({ shown: 'x'.repeat(2000), cut: false });
  });

  it('cuts at the network’s length, back to a word boundary', () => {
    const text = 'Nouveau menu d’automne au Café Lumière : potiron rôti, châtaignes et chocolat chaud maison. Venez le goûter dès lundi, on vous attend !';
    const r = truncate(text, CUTS.instagram);
    expect(r.cut).toBe(true);
    expect(r.shown.length).toBeLessThanOrEqual(125);
    expect(text.startsWith(r.shown)).toBe(true);
    expect(text[r.shown.length]).toBe(' ');
  });

  it('cuts after the network’s number of lines', () => {
    const r = truncate('one\ntwo\nthree\nfour', CUTS.linkedin);
    expect(r).toEqual({ shown: 'one\ntwo\nthree', cut: true });
    expect(truncate('one\ntwo', CUTS.instagram)).toEqual({ shown: 'one\ntwo', cut: false });
    expect(truncate('one\ntwo\nthree', CUTS.instagram)).toEqual({ shown: 'one\ntwo', cut: true });
  });

  it('never splits an emoji', () => {
    const family = '👨‍👩‍👧‍👦';
    const r = truncate(family.repeat(130), CUTS.instagram);
    expect(r.cut).toBe(true);
    expect(r.shown).toBe(family.repeat(125));
  });

  it('cuts X at 280', () => {
    const r = truncate('a'.repeat(300), CUTS.x);
    expect(r).toEqual({ shown: 'a'.repeat(280), cut: true });
  });
});

describe('layout', () => {
  it('lays out X, Bluesky and Mastodon images as 1 full, 2 side by side, 3 one tall and two stacked, 4 a grid', () => {
    for (const n of ['x', 'bluesky', 'mastodon']) {
      expect(layout(n, 0)).toEqual({ kind: 'none' });
      const one = layout(n, 1, 16 / 9);
      expect(one).toMatchObject({ kind: 'grid', columns: 1, rows: 1 });
      expect(layout(n, 2)).toMatchObject({ kind: 'grid', columns: 2, rows: 1 });
      const three = layout(n, 3);
      expect(three).toMatchObject({ kind: 'grid', columns: 2, rows: 2 });
      if (three.kind === 'grid') expect(three.cells[0]).toEqual({ col: 1, row: 1, colSpan: 1, rowSpan: 2 });
      const four = layout(n, 4);
      if (four.kind === 'grid') expect(four.cells).toHaveLength(4);
      expect(four).toMatchObject({ more: 0 });
      expect(layout(n, 6)).toMatchObject({ kind: 'grid', more: 2 });
    }
  });

  it('frames an Instagram carousel by its first image, between 4:5 and 1.91:1', () => {
    expect(layout('instagram', 3, 9 / 16)).toEqual({ kind: 'carousel', aspect: 0.8, count: 3 });
    expect(layout('instagram', 1, 1)).toEqual({ kind: 'carousel', aspect: 1, count: 1 });
    expect(layout('instagram', 1, 3)).toEqual({ kind: 'carousel', aspect: 1.91, count: 1 });
  });

  it('puts Facebook’s extra images behind "+N"', () => {
    const l = layout('facebook', 8);
    expect(l).toMatchObject({ kind: 'grid', more: 3 });
    if (l.kind === 'grid') expect(l.cells).toHaveLength(5);
    const li = layout('linkedin', 6);
    expect(li).toMatchObject({ kind: 'grid', more: 2 });
  });

  it('shows Threads images in a row', () => {
    expect(layout('threads', 3)).toEqual({ kind: 'row', count: 3 });
  });
});

describe('linkDomain', () => {
  it('finds the first link’s site', () => {
    expect(linkDomain('Lisez https://www.Example.fr/blog/post, merci')).toBe('example.fr');
    expect(linkDomain('pas de lien')).toBe('');
  });
});
