// Live text counters: a text's length as each network counts it, computed
// in the page on every keystroke. They follow backend/network/rules.go
// (graphemes for Bluesky, twitter-text v3 weights for X, code points with
// links at a fixed length for the others); Go's Validate stays the
// authority for the problems listed under the editor. Pure.
import type { Rules } from './model';

const X_SCALE = 100;
const X_DEFAULT_WEIGHT = 200;
const X_URL_LENGTH = 23;
const X_RANGES: [number, number][] = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];

let segmenter: Intl.Segmenter | null = null;

/** graphemeList splits text into user-perceived characters (UAX #29). */
export function graphemeList(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** graphemes counts text's user-perceived characters after NFC, as Bluesky does. */
export function graphemes(text: string): number {
  return graphemeList(text.normalize('NFC')).length;
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** utf8Bytes is the UTF-8 size of NFC text. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text.normalize('NFC')).length;
}

const URL_RE =
  /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|fr|io|co|eu|be|ch|ca|de|uk|es|it|nl|app|dev|info|biz|me|tv|ly|gl|gov|edu|paris|bzh)\b(?:\/[^\s<>"]*)?/gi;
const TRAILING = '.,;:!?\'"»)]}…';

/**
 * urls returns the [start, end) spans (string indices) of the links in
 * text. Without bare, only links with an http(s) scheme count. Trailing
 * punctuation is not part of a link; an e-mail address is not a link.
 */
export function urls(text: string, bare: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(URL_RE)) {
    const s = m.index;
    let e = s + m[0].length;
    const lower = m[0].toLowerCase();
    const scheme = lower.startsWith('http://') || lower.startsWith('https://');
    if (!scheme && !bare) continue;
    if (!scheme && s > 0) {
      const prev = Array.from(text.slice(Math.max(0, s - 2), s)).pop() ?? '';
      if (prev === '@' || prev === '.' || prev === '/' || /[\p{L}\p{Nd}]/u.test(prev)) continue;
    }
    while (e > s) {
      const span = text.slice(s, e);
      const last = Array.from(span).pop() ?? '';
      const opens = span.split('(').length - 1;
      const closes = span.split(')').length - 1;
      if (TRAILING.includes(last) && !(last === ')' && opens >= closes)) {
        e -= last.length;
        continue;
      }
      break;
    }
    if (scheme && e - s <= 'https://'.length) continue;
    out.push([s, e]);
  }
  return out;
}

const REMOTE_MENTION = /(@[\p{L}\p{N}_]+)@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;

/**
 * chars counts the code points of NFC text, every link counting urlLength
 * when urlLength > 0. With mastodon set, only links with a scheme are links
 * and a remote mention @user@domain counts as @user (Mastodon's counter).
 */
export function chars(text: string, urlLength: number, mastodon: boolean): number {
  text = text.normalize('NFC');
  if (mastodon) text = text.replace(REMOTE_MENTION, '$1');
  let n = 0;
  let last = 0;
  if (urlLength > 0) {
    for (const [s, e] of urls(text, !mastodon)) {
      n += codePoints(text.slice(last, s)) + urlLength;
      last = e;
    }
  }
  return n + codePoints(text.slice(last));
}

function isPictographic(r: number): boolean {
  if ([0xa9, 0xae, 0x203c, 0x2049, 0x2122, 0x2139, 0x3030, 0x303d, 0x3297, 0x3299].includes(r)) return true;
  return (
    (r >= 0x2190 && r <= 0x21ff) ||
    (r >= 0x2300 && r <= 0x23ff) ||
    r === 0x24c2 ||
    (r >= 0x25a0 && r <= 0x27bf) ||
    (r >= 0x2900 && r <= 0x297f) ||
    (r >= 0x2b00 && r <= 0x2bff) ||
    (r >= 0x1f000 && r <= 0x1faff)
  );
}

/** isEmoji tells whether a grapheme cluster is an emoji as twitter-text sees it. */
function isEmoji(cluster: string): boolean {
  const cps = Array.from(cluster, (c) => c.codePointAt(0) ?? 0);
  const first = cps[0];
  if (cps.length === 1) return first >= 0x1f000 && isPictographic(first);
  if (first >= 0x1f1e6 && first <= 0x1f1ff) return true;
  const hasMark = cps
    .slice(1)
    .some((r) => r === 0xfe0f || r === 0x20e3 || r === 0x200d || (r >= 0x1f3fb && r <= 0x1f3ff) || (r >= 0xe0020 && r <= 0xe007f));
  if (!hasMark) return false;
  return isPictographic(first) || '#*0123456789'.includes(String.fromCodePoint(first));
}

function xWeight(r: number): number {
  return X_RANGES.some(([lo, hi]) => r >= lo && r <= hi) ? X_SCALE : X_DEFAULT_WEIGHT;
}

function weighRun(s: string): number {
  let w = 0;
  for (const cluster of graphemeList(s)) {
    if (isEmoji(cluster)) {
      w += X_DEFAULT_WEIGHT;
      continue;
    }
    for (const c of cluster) w += xWeight(c.codePointAt(0) ?? 0);
  }
  return w;
}

/** weightedLength is text's length as X counts it (twitter-text v3). */
export function weightedLength(text: string): number {
  text = text.normalize('NFC');
  let w = 0;
  let last = 0;
  for (const [s, e] of urls(text, true)) {
    w += weighRun(text.slice(last, s)) + X_URL_LENGTH * X_SCALE;
    last = e;
  }
  w += weighRun(text.slice(last));
  return Math.ceil(w / X_SCALE);
}

const HASHTAG_RE = /(?:^|[^\p{L}\p{N}_&/#＃])[#＃]([\p{L}\p{M}\p{N}_]*[\p{L}\p{M}][\p{L}\p{M}\p{N}_]*)/gu;

/** hashtags returns the hashtags in text, without their #, in order. */
export function hashtags(text: string): string[] {
  return Array.from(text.normalize('NFC').matchAll(HASHTAG_RE), (m) => m[1]);
}

/** textLength is text's length as r's network counts it. */
export function textLength(r: Pick<Rules, 'counting' | 'urlLength' | 'network'>, text: string): number {
  if (r.counting === 'weighted') return weightedLength(text);
  if (r.counting === 'graphemes') return graphemes(text);
  return chars(text, r.urlLength, r.network === 'mastodon');
}

export type Counter = {
  network: string;
  length: number;
  limit: number;
  /** left is limit - length: negative when over. */
  left: number;
  over: boolean;
  /** Set when the network also caps bytes (Bluesky) and the text is over. */
  bytesOver: number;
  hashtags: number;
  hashtagLimit: number;
};

/** counter measures text against one network's rules. */
export function counter(r: Rules, text: string): Counter {
  const length = textLength(r, text);
  const bytes = r.maxBytes > 0 ? utf8Bytes(text) : 0;
  const tags = r.maxHashtags > 0 ? hashtags(text).length : 0;
  return {
    network: r.network,
    length,
    limit: r.maxChars,
    left: r.maxChars - length,
    over: (r.maxChars > 0 && length > r.maxChars) || (r.maxBytes > 0 && bytes > r.maxBytes) || (r.maxHashtags > 0 && tags > r.maxHashtags),
    bytesOver: r.maxBytes > 0 ? Math.max(0, bytes - r.maxBytes) : 0,
    hashtags: tags,
    hashtagLimit: r.maxHashtags,
  };
}
