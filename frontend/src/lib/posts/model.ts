// The shapes the post editor works with, and their conversion from what Go
// sends (app/posts.go; nil slices arrive as null, times as RFC 3339 UTC
// strings, "" when none). Pure: no Wails, no DOM.

export const STATUSES = ['idea', 'draft', 'review', 'approved', 'scheduled', 'published', 'failed'] as const;
export type Status = (typeof STATUSES)[number];

export interface Brief {
  objective: string;
  audience: string;
  keyMessage: string;
  callToAction: string;
  format: string;
  deadline: string;
  visualsRequested: string;
}

export interface Fix {
  kind: 'rendition' | string;
  assetId: string;
  presetId: string;
}

export interface Problem {
  code: string;
  info: Record<string, unknown>;
  fix: Fix | null;
}

export interface AssetRef {
  assetId: string;
  presetId: string;
  alt: string;
}

export interface Variant {
  id: string;
  accountId: string;
  network: string;
  ownText: boolean;
  text: string;
  assets: AssetRef[];
  firstComment: string;
  title: string;
  link: string;
  /** Pinterest board id. */
  board: string;
  /** Ask the network to hold it until its time (rules.handOff). */
  handOff: boolean;
  problems: Problem[];
}

export interface Post {
  id: string;
  workspaceId: string;
  status: Status;
  text: string;
  /** RFC 3339 UTC, "" when unscheduled. */
  due: string;
  zone: string;
  campaignId: string;
  pillar: string;
  labels: string[];
  notes: string;
  brief: Brief | null;
  variants: Variant[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What a new post starts from (Go: post.Draft). */
export interface NewPost {
  text: string;
  due: string;
  status: Status;
  accountIds: string[];
  assetIds: string[];
}

export interface Campaign {
  id: string;
  workspaceId: string;
  name: string;
  color: string;
  /** The first and last days, each as the instant it starts in the client's zone ('' = open). */
  start: string;
  end: string;
  brief: Brief | null;
  /** How many posts are in it (Go counts them when listing; ignored on save). */
  posts: number;
}

export interface HashtagGroup {
  id: string;
  workspaceId: string;
  name: string;
  tags: string[];
}

export interface Snippet {
  id: string;
  workspaceId: string;
  name: string;
  text: string;
}

export type Counting = 'graphemes' | 'weighted' | 'chars';

/** One network's publishing rules (Go: network.Rules). */
export interface Rules {
  network: string;
  maxChars: number;
  counting: Counting;
  maxBytes: number;
  urlLength: number;
  maxHashtags: number;
  maxImages: number;
  minAspect: number;
  maxAspect: number;
  imageTypes: string[];
  maxImageBytes: number;
  needsTitle: boolean;
  needsLink: boolean;
  needsMedia: boolean;
  titleMax: number;
  hasLink: boolean;
  firstComment: boolean;
  /** The network can hold a post until its time (Mastodon's scheduled_at). */
  handOff: boolean;
  /** A post goes to a board the user picks (Pinterest). */
  needsBoard: boolean;
  checked: string;
}

/** A Pinterest board a Pin can go to (Go: app.Board). */
export interface Board {
  id: string;
  name: string;
  privacy: string;
}

export function toBoard(r: Raw): Board {
  const b = rec(r);
  return { id: str(b.id), name: str(b.name), privacy: str(b.privacy) };
}

/** A connected account as the editor needs it (Go: app.Account). */
export interface PostAccount {
  id: string;
  workspaceId: string;
  network: string;
  handle: string;
  displayName: string;
  avatarUrl: string;
  state: string;
  /** The server's own text limit (a Mastodon instance), 0 when unknown. */
  maxChars: number;
  charsPerUrl: number;
  maxMedia: number;
}

type Raw = Record<string, unknown> | null | undefined;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = <T>(v: unknown, f: (r: Raw) => T): T[] => (Array.isArray(v) ? v.map((x) => f(x as Raw)) : []);

/** time reads an instant; Go's zero time ("0001-01-01T00:00:00Z") is none. */
const time = (v: unknown): string => {
  const s = str(v);
  return s.startsWith('0001-01-01') ? '' : s;
};

export function toStatus(v: unknown): Status {
  return (STATUSES as readonly string[]).includes(v as string) ? (v as Status) : 'draft';
}

export function emptyBrief(): Brief {
  return { objective: '', audience: '', keyMessage: '', callToAction: '', format: '', deadline: '', visualsRequested: '' };
}

export function toBrief(r: unknown): Brief | null {
  if (typeof r !== 'object' || r === null) return null;
  const b = rec(r);
  return {
    objective: str(b.objective),
    audience: str(b.audience),
    keyMessage: str(b.keyMessage),
    callToAction: str(b.callToAction),
    format: str(b.format),
    deadline: str(b.deadline),
    visualsRequested: str(b.visualsRequested),
  };
}

export function toProblem(r: Raw): Problem {
  const p = rec(r);
  const f = p.fix ? rec(p.fix) : null;
  return {
    code: str(p.code),
    info: { ...rec(p.info) },
    fix: f ? { kind: str(f.kind), assetId: str(f.assetId), presetId: str(f.presetId) } : null,
  };
}

export function toAssetRef(r: Raw): AssetRef {
  const a = rec(r);
  return { assetId: str(a.assetId), presetId: str(a.presetId), alt: str(a.alt) };
}

export function toVariant(r: Raw): Variant {
  const v = rec(r);
  return {
    id: str(v.id),
    accountId: str(v.accountId),
    network: str(v.network),
    ownText: bool(v.ownText),
    text: str(v.text),
    assets: list(v.assets, toAssetRef),
    firstComment: str(v.firstComment),
    title: str(v.title),
    link: str(v.link),
    board: str(v.board),
    handOff: bool(v.handOff),
    problems: list(v.problems, toProblem),
  };
}

export function toPost(r: Raw): Post {
  const p = rec(r);
  return {
    id: str(p.id),
    workspaceId: str(p.workspaceId),
    status: toStatus(p.status),
    text: str(p.text),
    due: time(p.due),
    zone: str(p.zone),
    campaignId: str(p.campaignId),
    pillar: str(p.pillar),
    labels: strs(p.labels),
    notes: str(p.notes),
    brief: toBrief(p.brief),
    variants: list(p.variants, toVariant),
    createdAt: time(p.createdAt),
    updatedAt: time(p.updatedAt),
    version: num(p.version),
  };
}

/**
 * fromPost is what Go receives: a plain copy (no Svelte proxies), without
 * the problems Go computes itself, and with "" times left out (Go reads a
 * missing time as none).
 */
export function fromPost(p: Post): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id,
    workspaceId: p.workspaceId,
    status: p.status,
    text: p.text,
    zone: p.zone,
    campaignId: p.campaignId,
    pillar: p.pillar,
    labels: [...p.labels],
    notes: p.notes,
    brief: p.brief ? { ...p.brief } : null,
    variants: p.variants.map((v) => ({
      id: v.id,
      accountId: v.accountId,
      network: v.network,
      ownText: v.ownText,
      text: v.text,
      assets: v.assets.map((a) => (a.alt ? { ...a } : { assetId: a.assetId, presetId: a.presetId })),
      firstComment: v.firstComment,
      title: v.title,
      link: v.link,
      board: v.board,
      handOff: v.handOff,
      problems: [],
    })),
    version: p.version,
  };
  if (p.due) out.due = p.due;
  if (p.createdAt) out.createdAt = p.createdAt;
  if (p.updatedAt) out.updatedAt = p.updatedAt;
  return out;
}

export function fromNewPost(n: NewPost): Record<string, unknown> {
  const out: Record<string, unknown> = {
    text: n.text,
    status: n.status,
    accountIds: [...n.accountIds],
    assetIds: [...n.assetIds],
  };
  if (n.due) out.due = n.due;
  return out;
}

export function toCampaign(r: Raw): Campaign {
  const c = rec(r);
  return {
    id: str(c.id),
    workspaceId: str(c.workspaceId),
    name: str(c.name),
    color: str(c.color),
    start: time(c.start),
    end: time(c.end),
    brief: toBrief(c.brief),
    posts: num(c.posts),
  };
}

/** fromCampaign is what Go receives: a plain copy, "" times left out (none). */
export function fromCampaign(c: Campaign): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: c.id,
    workspaceId: c.workspaceId,
    name: c.name,
    color: c.color,
    brief: c.brief ? { ...c.brief } : null,
    posts: 0,
  };
  if (c.start) out.start = c.start;
  if (c.end) out.end = c.end;
  return out;
}

export function toHashtagGroup(r: Raw): HashtagGroup {
  const g = rec(r);
  return { id: str(g.id), workspaceId: str(g.workspaceId), name: str(g.name), tags: strs(g.tags) };
}

export function toSnippet(r: Raw): Snippet {
  const s = rec(r);
  return { id: str(s.id), workspaceId: str(s.workspaceId), name: str(s.name), text: str(s.text) };
}

export function toRules(r: Raw): Rules {
  const x = rec(r);
  const c = str(x.counting);
  return {
    network: str(x.network),
    maxChars: num(x.maxChars),
    counting: c === 'graphemes' || c === 'weighted' ? c : 'chars',
    maxBytes: num(x.maxBytes),
    urlLength: num(x.urlLength),
    maxHashtags: num(x.maxHashtags),
    maxImages: num(x.maxImages),
    minAspect: num(x.minAspect),
    maxAspect: num(x.maxAspect),
    imageTypes: strs(x.imageTypes),
    maxImageBytes: num(x.maxImageBytes),
    needsTitle: bool(x.needsTitle),
    needsLink: bool(x.needsLink),
    needsMedia: bool(x.needsMedia),
    titleMax: num(x.titleMax),
    hasLink: bool(x.hasLink),
    firstComment: bool(x.firstComment),
    handOff: bool(x.handOff),
    needsBoard: bool(x.needsBoard),
    checked: str(x.checked),
  };
}

export function toPostAccount(r: Raw): PostAccount {
  const a = rec(r);
  const l = rec(a.limits);
  return {
    id: str(a.id),
    workspaceId: str(a.workspaceId),
    network: str(a.network),
    handle: str(a.handle),
    displayName: str(a.displayName),
    avatarUrl: str(a.avatarUrl),
    state: str(a.state),
    maxChars: num(l.maxChars),
    charsPerUrl: num(l.charsPerUrl),
    maxMedia: num(l.maxMedia),
  };
}

/** rulesFor returns a network's rules adjusted to the account's server (Go: Rules.WithLimits). */
export function rulesFor(all: Rules[], network: string, account?: PostAccount | null): Rules | null {
  const r = all.find((x) => x.network === network);
  if (!r) return null;
  if (!account) return r;
  return {
    ...r,
    maxChars: account.maxChars > 0 ? account.maxChars : r.maxChars,
    urlLength: account.charsPerUrl > 0 ? account.charsPerUrl : r.urlLength,
    maxImages: account.maxMedia > 0 ? account.maxMedia : r.maxImages,
  };
}

/** variantText is what a variant publishes: its own text, or the master text. */
export function variantText(p: Post, v: Variant): string {
  return v.ownText ? v.text : p.text;
}

/** clonePost is a deep, proxy-free copy (for snapshots and sending). */
export function clonePost(p: Post): Post {
  return toPost(JSON.parse(JSON.stringify(p)) as Raw);
}

/**
 * editKey is a post's user edits as one string: two posts with the same key
 * need no save between them (problems, stamps, version and the variant ids
 * Go assigns aside).
 */
export function editKey(p: Post): string {
  const o = fromPost(p);
  delete o.version;
  delete o.updatedAt;
  delete o.createdAt;
  delete o.zone;
  o.variants = (o.variants as Record<string, unknown>[]).map((v) => ({ ...v, id: undefined, problems: undefined }));
  return JSON.stringify(o);
}

/** samePost tells whether two posts hold the same user edits. */
export function samePost(a: Post, b: Post): boolean {
  return editKey(a) === editKey(b);
}
