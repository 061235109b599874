// App-wide state: what Go told us at start-up, the workspace list, the
// current view and transient notices. Views are plain values; there is no
// URL routing inside the desktop window.
import { api } from './api';
import { machineZone } from './format';
import type { Info, Prefs, Workspace } from './model';

/** A workspace view may name one of its tabs (workspace/tabs.ts); none means the first. */
export type View =
  | { name: 'overview' }
  | { name: 'workspace'; id: string; tab?: string }
  | { name: 'settings' }
  | { name: 'calendar' };

export const app = $state({
  ready: false,
  info: null as Info | null,
  prefs: { language: 'system', theme: 'system' } as Prefs,
  workspaces: [] as Workspace[],
  languages: [] as string[],
  machineZone: machineZone(),
  mac: false,
  view: { name: 'overview' } as View,
  newClientOpen: false,
  /** Bumped every minute so clocks on screen move. */
  now: new Date(),
});

/** refreshWorkspaces reloads the list from Go. */
export async function refreshWorkspaces(): Promise<void> {
  app.workspaces = await api.list();
}

type Guard = () => Promise<boolean>;
let leaveGuard: Guard | null = null;

/**
 * setLeaveGuard registers the check run before leaving the current view
 * (the workspace form asks about unsaved changes); it returns a function
 * that removes it.
 */
export function setLeaveGuard(g: Guard): () => void {
  leaveGuard = g;
  return () => {
    if (leaveGuard === g) leaveGuard = null;
  };
}

function sameView(a: View, b: View): boolean {
  if (a.name !== b.name) return false;
  if (a.name !== 'workspace' || b.name !== 'workspace') return true;
  return a.id === b.id && (a.tab ?? '') === (b.tab ?? '');
}

/**
 * mayLeave runs the current view's leave guard (true when there is none):
 * used before switching view and before closing the window.
 */
export async function mayLeave(): Promise<boolean> {
  return !leaveGuard || (await leaveGuard());
}

/** go switches view once the current one agrees to be left. */
export async function go(view: View, opts: { force?: boolean } = {}): Promise<boolean> {
  if (sameView(app.view, view)) return true;
  if (!opts.force && leaveGuard && !(await leaveGuard())) return false;
  app.view = view;
  return true;
}

export type Notice = { id: number; text: string; tone: 'info' | 'success' | 'error' };

export const notices = $state({ list: [] as Notice[] });
let nextNotice = 1;

/** notify shows a short message in the live region at the bottom right. */
export function notify(text: string, tone: Notice['tone'] = 'success', ms = 6000): void {
  const id = nextNotice++;
  notices.list = [...notices.list.slice(-2), { id, text, tone }];
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  notices.list = notices.list.filter((n) => n.id !== id);
}

/** applyTheme sets the theme on <html>; "system" follows prefers-color-scheme. */
export function applyTheme(theme: Prefs['theme']): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
