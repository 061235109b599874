// The shapes the UI works with, and their conversion from what Go sends
// (where a nil slice arrives as null). Pure: no Wails, no DOM.
import { AppError, toAppError } from './errors';

export interface BrandKit {
  colors: string[];
  tone: string;
  hashtags: string[];
  signature: string;
}

export interface Pillar {
  id: string;
  name: string;
  color: string;
  target: number;
}

export interface Charter {
  text: string;
  bannedWords: string[];
}

/** Everything the user edits about a workspace (Go: workspace.Settings). */
export interface WorkspaceSettings {
  name: string;
  color: string;
  timezone: string;
  language: string;
  brandKit: BrandKit;
  pillars: Pillar[];
  charter: Charter;
}

export interface Logo {
  name: string;
  format: string;
  width: number;
  height: number;
  dataUrl: string;
}

export interface Workspace extends WorkspaceSettings {
  id: string;
  logo: Logo | null;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Backup {
  path: string;
  name: string;
  size: number;
  created: string;
  /** Asked for by the user (never pruned); otherwise made by Relais for `reason`. */
  manual: boolean;
  /** Why Relais made it: "before-delete", "before-restore", "before-migration-v2"… */
  reason: string;
}

/** backupKindKey is the i18n key describing a backup (manual, or why Relais made it). */
export function backupKindKey(b: Backup): string {
  if (b.manual) return 'settings.backupKind.manual';
  if (b.reason === 'before-delete' || b.reason === 'before-restore') return `settings.backupKind.${b.reason}`;
  if (b.reason.startsWith('before-migration')) return 'settings.backupKind.before-migration';
  return 'settings.backupKind.auto';
}

export type LanguagePref = 'system' | 'fr' | 'en';
export type ThemePref = 'system' | 'light' | 'dark';

export interface Prefs {
  language: LanguagePref;
  theme: ThemePref;
}

export interface Info {
  version: string;
  os: string;
  dataDir: string;
  backupDir: string;
  schema: number;
  startError: AppError | null;
}

type Raw = Record<string, unknown> | null | undefined;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

export function toPillar(r: Raw): Pillar {
  const p = rec(r);
  return { id: str(p.id), name: str(p.name), color: str(p.color), target: num(p.target) };
}

export function toWorkspace(r: Raw): Workspace {
  const w = rec(r);
  const bk = rec(w.brandKit);
  const ch = rec(w.charter);
  const logo = w.logo ? rec(w.logo) : null;
  return {
    id: str(w.id),
    name: str(w.name),
    color: str(w.color) || '#4f46e5',
    timezone: str(w.timezone),
    language: str(w.language),
    logo: logo
      ? {
          name: str(logo.name),
          format: str(logo.format),
          width: num(logo.width),
          height: num(logo.height),
          dataUrl: str(logo.dataUrl),
        }
      : null,
    brandKit: {
      colors: strs(bk.colors),
      tone: str(bk.tone),
      hashtags: strs(bk.hashtags),
      signature: str(bk.signature),
    },
    pillars: Array.isArray(w.pillars) ? w.pillars.map((p) => toPillar(p as Raw)) : [],
    charter: { text: str(ch.text), bannedWords: strs(ch.bannedWords) },
    archived: w.archived === true,
    createdAt: str(w.createdAt),
    updatedAt: str(w.updatedAt),
  };
}

export function toBackup(r: Raw): Backup {
  const b = rec(r);
  return { path: str(b.path), name: str(b.name), size: num(b.size), created: str(b.created), manual: b.manual === true, reason: str(b.reason) };
}

export function toPrefs(r: Raw): Prefs {
  const p = rec(r);
  const language = p.language === 'fr' || p.language === 'en' ? p.language : 'system';
  const theme = p.theme === 'light' || p.theme === 'dark' ? p.theme : 'system';
  return { language, theme };
}

export function toInfo(r: Raw): Info {
  const i = rec(r);
  return {
    version: str(i.version),
    os: str(i.os),
    dataDir: str(i.dataDir),
    backupDir: str(i.backupDir),
    schema: num(i.schema),
    startError: i.startError ? toAppError(i.startError) : null,
  };
}

/** activeWorkspaces are the ones the sidebar and shortcuts show, in Go's order (by name). */
export function activeWorkspaces(list: Workspace[]): Workspace[] {
  return list.filter((w) => !w.archived);
}
