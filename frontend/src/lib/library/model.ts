// The visual library's shapes, and their conversion from what Go sends
// (backend/library, backend/rendition through app/library.go; nil slices
// arrive as null). Pure: no Wails, no DOM.
import { addDays, parseKey, zonedInstant } from '../calendar/time';
import { AppError } from '../errors';

export type Format = 'jpeg' | 'png' | 'gif' | 'webp';
export type Orientation = 'portrait' | 'landscape' | 'square';
export type SizeClass = 'small' | 'medium' | 'large';
export type Used = 'any' | 'used' | 'unused';

export interface Asset {
  id: string;
  workspaceId: string;
  name: string;
  format: Format | string;
  width: number;
  height: number;
  bytes: number;
  /** When the picture was taken (EXIF), RFC 3339, or "". */
  takenAt: string;
  importedAt: string;
  tags: string[];
  alt: string;
  /** Focal point, 0..1 from the left and from the top. */
  focalX: number;
  focalY: number;
  /** Ids of the posts that use it. */
  usedBy: string[];
  animated: boolean;
  orientation: Orientation;
  /** Same-origin URL of the thumbnail. */
  thumb: string;
  /** Same-origin URL of a larger preview (or the thumbnail when Go has none). */
  preview: string;
}

/** What the import reports as it goes (event library:import-progress). */
export interface ImportProgress {
  importId: string;
  total: number;
  done: number;
  imported: number;
  duplicates: number;
  /** Visuals added whose file another client's library already had (stored once). */
  shared: number;
  /** Names of those clients. */
  sharedWith: string[];
  failed: ImportFailure[];
  finished: boolean;
  cancelled: boolean;
}

export interface ImportFailure {
  name: string;
  code: string;
  info: Record<string, unknown>;
}

export interface SearchQuery {
  /** "" searches every client. */
  workspaceId: string;
  text: string;
  tags: string[];
  orientation: Orientation | '';
  sizeClass: SizeClass | '';
  /** Dates as YYYY-MM-DD (the date inputs' values), or "": sent to Go as RFC 3339 instants. */
  from: string;
  to: string;
  /**
   * The IANA zone whose days `from` and `to` name: the open client's, as
   * every date in the library is shown in it. "" uses this computer's clock.
   */
  zone?: string;
  used: Used;
  offset: number;
  limit: number;
}

export interface SearchResult {
  total: number;
  assets: Asset[];
}

export interface TagCount {
  tag: string;
  count: number;
}

export interface AssetPatch {
  tags: string[];
  alt: string;
  focalX: number;
  focalY: number;
}

export interface Preset {
  id: string;
  network: string;
  label: string;
  width: number;
  height: number;
  format: string;
  maxBytes: number;
  checked: string;
}

/** A rectangle in the source picture's pixels (orientation applied). */
export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Rendition {
  presetId: string;
  url: string;
  width: number;
  height: number;
  bytes: number;
  crop: Crop;
  /** The crop was set by hand (else it follows the focal point). */
  manual: boolean;
}

export interface ExportResult {
  /** "" when the user cancelled the folder dialog. */
  folder: string;
  /** How many files were written. */
  files: number;
}

export interface GarbageResult {
  removed: number;
  bytes: number;
}

type Raw = Record<string, unknown> | null | undefined;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const unit = (v: unknown, dflt = 0.5): number => {
  const n = typeof v === 'number' && Number.isFinite(v) ? v : dflt;
  return Math.min(1, Math.max(0, n));
};

export function orientationOf(w: number, h: number): Orientation {
  if (w > h) return 'landscape';
  if (h > w) return 'portrait';
  return 'square';
}

export function toAsset(r: Raw): Asset {
  const a = rec(r);
  const width = num(a.width);
  const height = num(a.height);
  const o = str(a.orientation);
  const thumb = str(a.thumb);
  return {
    id: str(a.id),
    workspaceId: str(a.workspaceId),
    name: str(a.name),
    format: str(a.format),
    width,
    height,
    bytes: num(a.bytes),
    takenAt: str(a.takenAt),
    importedAt: str(a.importedAt),
    tags: strs(a.tags),
    alt: str(a.alt),
    focalX: unit(a.focalX),
    focalY: unit(a.focalY),
    usedBy: strs(a.usedBy),
    animated: a.animated === true,
    orientation: o === 'portrait' || o === 'landscape' || o === 'square' ? o : orientationOf(width, height),
    thumb,
    preview: str(a.preview) || thumb,
  };
}

export function toImportFailure(r: unknown): ImportFailure {
  const f = rec(r);
  return { name: str(f.name), code: str(f.code) || 'internal', info: rec(f.info) };
}

export function toImportProgress(r: unknown): ImportProgress {
  const p = rec(r);
  return {
    importId: str(p.importId),
    total: num(p.total),
    done: num(p.done),
    imported: num(p.imported),
    duplicates: num(p.duplicates),
    shared: num(p.shared),
    sharedWith: strs(p.sharedWith),
    failed: list(p.failed).map(toImportFailure),
    finished: p.finished === true,
    cancelled: p.cancelled === true,
  };
}

/** failureError is a failed file as an AppError, its name in info.file for the sentence. */
export function failureError(f: ImportFailure): AppError {
  return new AppError(f.code, '', { name: f.name, ...f.info, file: f.name });
}

export function toSearchResult(r: Raw): SearchResult {
  const s = rec(r);
  return { total: num(s.total), assets: list(s.assets).map((a) => toAsset(a as Raw)) };
}

export function toTagCounts(r: unknown): TagCount[] {
  return list(r)
    .map((x) => {
      const t = rec(x);
      return { tag: str(t.tag), count: num(t.count) };
    })
    .filter((t) => t.tag !== '');
}

export function toPreset(r: unknown): Preset {
  const p = rec(r);
  return {
    id: str(p.id),
    network: str(p.network),
    label: str(p.label),
    width: num(p.width),
    height: num(p.height),
    format: str(p.format),
    maxBytes: num(p.maxBytes),
    checked: str(p.checked),
  };
}

export function toCrop(r: unknown): Crop {
  const c = rec(r);
  return { x: num(c.x), y: num(c.y), w: num(c.w), h: num(c.h) };
}

export function toRendition(r: unknown): Rendition {
  const x = rec(r);
  return {
    presetId: str(x.presetId),
    url: str(x.url),
    width: num(x.width),
    height: num(x.height),
    bytes: num(x.bytes),
    crop: toCrop(x.crop),
    manual: x.manual === true,
  };
}

export function toExportResult(r: unknown): ExportResult {
  const e = rec(r);
  return { folder: str(e.folder), files: Array.isArray(e.files) ? e.files.length : num(e.files) };
}

export function toGarbageResult(r: unknown): GarbageResult {
  const g = rec(r);
  return { removed: num(g.removed), bytes: num(g.bytes) };
}

/** emptyQuery is the search a fresh library tab starts with. */
export function emptyQuery(workspaceId: string): SearchQuery {
  return {
    workspaceId,
    text: '',
    tags: [],
    orientation: '',
    sizeClass: '',
    from: '',
    to: '',
    used: 'any',
    offset: 0,
    limit: 0,
  };
}

/** filtersActive counts the filters beyond the text that narrow a search. */
export function filtersActive(q: SearchQuery): number {
  return (
    (q.tags.length ? 1 : 0) +
    (q.orientation ? 1 : 0) +
    (q.sizeClass ? 1 : 0) +
    (q.from || q.to ? 1 : 0) +
    (q.used !== 'any' ? 1 : 0)
  );
}

/**
 * ImportTotals adds up the progress of the imports one user action started
 * (a large selection is sent in several calls).
 */
export interface ImportTotals {
  total: number;
  done: number;
  imported: number;
  duplicates: number;
  shared: number;
  /** Clients whose library already had some of the files, each named once. */
  sharedWith: string[];
  failed: ImportFailure[];
  finished: boolean;
  cancelled: boolean;
}

export function combineProgress(parts: ImportProgress[], expected = parts.length): ImportTotals {
  const t: ImportTotals = {
    total: 0,
    done: 0,
    imported: 0,
    duplicates: 0,
    shared: 0,
    sharedWith: [],
    failed: [],
    finished: parts.length >= expected && parts.every((p) => p.finished),
    cancelled: parts.some((p) => p.cancelled),
  };
  for (const p of parts) {
    t.total += p.total;
    t.done += p.done;
    t.imported += p.imported;
    t.duplicates += p.duplicates;
    t.shared += p.shared;
    for (const c of p.sharedWith) if (!t.sharedWith.includes(c)) t.sharedWith.push(c);
    t.failed.push(...p.failed);
  }
  if (expected === 0) t.finished = true;
  return t;
}

/**
 * batches splits files (by byte size) into groups of at most `budget`
 * bytes, so no single call carries a huge base64 string; a file larger than
 * the budget travels alone.
 */
export function batches<T extends { size: number }>(files: T[], budget: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const f of files) {
    if (cur.length && size + f.size > budget) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(f);
    size += f.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * dayStart and dayEnd turn a date input's value (YYYY-MM-DD) into the
 * RFC 3339 instants Go filters with, [from, to): the start of that day and
 * the start of the next, on `zone`'s wall clock (this computer's when
 * zone is ""). "" (no date) stays "".
 */
export function dayStart(ymd: string, zone = ''): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return '';
  if (zone) return zonedInstant(ymd, 0, zone).toISOString();
  const { year, month, day } = parseKey(ymd);
  return new Date(year, month - 1, day).toISOString();
}

export function dayEnd(ymd: string, zone = ''): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return '';
  return dayStart(addDays(ymd, 1), zone);
}

/** toGoQuery is the query as Go reads it (dates as instants). */
export function toGoQuery(q: SearchQuery): SearchQuery {
  const { zone = '', ...rest } = q;
  return { ...rest, tags: [...q.tags], from: dayStart(q.from, zone), to: dayEnd(q.to, zone) };
}
