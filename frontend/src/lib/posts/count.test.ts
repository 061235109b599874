import { describe, expect, it } from 'vitest';
import { chars, counter, graphemes, hashtags, urls, utf8Bytes, weightedLength } from './count';
import type { Rules } from './model';

const family = '👨‍👩‍👧‍👦';
const thumbsDark = '👍🏿';
const flagFR = '🇫🇷';

describe('graphemes (Bluesky)', () => {
  it.each([
    ['', 0],
    ['Café', 4],
    ['Cafe\u0301', 4], // decomposed é
    [family, 1],
    [thumbsDark, 1],
    [flagFR + flagFR, 2],
    ['日本語', 3],
  ])('graphemes(%j) = %i', (s, n) => {
    expect(graphemes(s)).toBe(n);
  });

  it('counts UTF-8 bytes after NFC', () => {
    expect(utf8Bytes('Cafe\u0301')).toBe(5);
    expect(utf8Bytes(family)).toBe(25);
  });
});

describe('weightedLength (X)', () => {
  it.each([
    ['hello', 5],
    ['Crème brûlée', 12],
    ['日本語', 6],
    [family, 2],
    [thumbsDark, 2],
    [flagFR, 2],
    ['😀', 2],
    ['See https://example.com/a/very/long/path?with=query', 4 + 23],
    ['example.com', 23],
    ['© 2026', 6],
  ])('weightedLength(%j) = %i', (s, n) => {
    expect(weightedLength(s)).toBe(n);
  });
});

describe('chars (Mastodon and the rest)', () => {
  it('counts links at a fixed length and code points elsewhere', () => {
    expect(chars('Go https://example.com/long/path now', 23, true)).toBe(3 + 23 + 4);
    expect(chars('Go example.com now', 23, true)).toBe(18); // no scheme: not a link on Mastodon
    expect(chars('Go example.com now', 23, false)).toBe(3 + 23 + 4);
    expect(chars('Hi @alice@social.example.org', 23, true)).toBe(9);
    expect(chars(family, 0, false)).toBe(7);
  });

  it('leaves trailing punctuation out of a link', () => {
    const text = 'Voir https://example.fr/page.';
    expect(urls(text, true)).toEqual([[5, text.length - 1]]);
    expect(urls('(see https://example.com/a_(b))', true)[0][1]).toBe(30);
  });

  it('does not take an e-mail address for a link', () => {
    expect(urls('write to hello@example.com', true)).toEqual([]);
  });
});

describe('hashtags', () => {
  it('finds tags with a letter, not anchors or numbers', () => {
    expect(hashtags('#Été #2026 page#top #café_2026 ＃全角')).toEqual(['Été', 'café_2026', '全角']);
  });
});

describe('counter', () => {
  const bluesky: Rules = {
    network: 'bluesky',
    maxChars: 300,
    counting: 'graphemes',
    maxBytes: 3000,
    urlLength: 0,
    maxHashtags: 0,
    maxImages: 4,
    minAspect: 0,
    maxAspect: 0,
    imageTypes: [],
    maxImageBytes: 0,
    needsTitle: false,
    needsLink: false,
    needsMedia: false,
    titleMax: 0,
    hasLink: false,
    firstComment: true,
    handOff: false,
    needsBoard: false,
    checked: '2026-11-23',
  };
  it('says how far over the limit a text is', () => {
    const c = counter(bluesky, 'é'.repeat(312));
    expect(c).toMatchObject({ length: 312, limit: 300, left: -12, over: true, bytesOver: 0 });
    expect(counter(bluesky, 'ok').over).toBe(false);
  });
});
