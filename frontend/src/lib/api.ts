// The one seam between the UI and Go. Components call `api`, never the
// generated wailsjs bindings: every rejection becomes an AppError, every
// result a plain, fully-populated object (Go's nil slices arrive as null).
import * as Shell from '../../wailsjs/go/app/Shell';
import * as Settings from '../../wailsjs/go/app/Settings';
import * as Workspaces from '../../wailsjs/go/app/Workspaces';
import { settings, workspace } from '../../wailsjs/go/models';
import { EventsOn, Quit } from '../../wailsjs/runtime/runtime';
import { keepErrorObject, toAppError } from './errors';
import {
  type Backup,
  type Info,
  type Prefs,
  type Workspace,
  type WorkspaceSettings,
  toBackup,
  toInfo,
  toPrefs,
  toWorkspace,
} from './model';
import { toSend } from './form';

export { AppError } from './errors';

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'internal') console.error('Relais: unexpected error', e);
    throw err;
  }
}

type Raw = Record<string, unknown>;
const raw = (v: unknown) => v as Raw;

/**
 * installErrorShim keeps Go's structured errors intact through the Wails
 * runtime (see keepErrorObject). It wraps window.wails.Callback once.
 */
export function installErrorShim(): void {
  const w = (globalThis as unknown as { wails?: { Callback?: (m: string) => void; __relais?: boolean } }).wails;
  if (!w || typeof w.Callback !== 'function' || w.__relais) return;
  const original = w.Callback.bind(w);
  w.Callback = (m: string) => original(keepErrorObject(m));
  w.__relais = true;
}

type Boot = { info: Promise<unknown>; prefs: Promise<unknown>; list: Promise<unknown> };

/** takeBoot returns the calls index.html started, once. */
function takeBoot(): Boot | null {
  const w = globalThis as unknown as { __relaisBoot?: Boot };
  const b = w.__relaisBoot ?? null;
  delete w.__relaisBoot;
  return b;
}

export const api = {
  /**
   * firstScreen is what the first screen needs: the run's info, the prefs
   * and the workspaces, from the calls index.html already started when
   * there are any. A failed list is asked again (the first answer may have
   * come before the error shim was installed).
   */
  firstScreen: async (): Promise<{ info: Info; prefs: Prefs; list: Promise<Workspace[]> }> => {
    const b = takeBoot();
    const info = call(async () => toInfo(raw(await (b?.info ?? Shell.Info()))));
    const prefs = call(async () => toPrefs(raw(await (b?.prefs ?? Settings.Prefs()))));
    const list = b
      ? call(async () => ((await b.list) as unknown[] | null ?? []).map((w) => toWorkspace(raw(w)))).catch(() => api.list())
      : api.list();
    list.catch(() => {});
    return { info: await info, prefs: await prefs, list };
  },
  info: (): Promise<Info> => call(async () => toInfo(raw(await Shell.Info()))),
  quit: (): void => Quit(),

  prefs: (): Promise<Prefs> => call(async () => toPrefs(raw(await Settings.Prefs()))),
  setPrefs: (p: Prefs): Promise<Prefs> =>
    call(async () => toPrefs(raw(await Settings.SetPrefs(settings.Prefs.createFrom(p))))),

  backups: (): Promise<Backup[]> => call(async () => ((await Settings.Backups()) ?? []).map((b) => toBackup(raw(b)))),
  backupNow: (): Promise<Backup> => call(async () => toBackup(raw(await Settings.BackupNow()))),
  /** saveBackupAs asks where to save; null means the user cancelled. */
  saveBackupAs: (): Promise<Backup | null> =>
    call(async () => {
      const b = toBackup(raw(await Settings.SaveBackupAs()));
      return b.path ? b : null;
    }),
  /** chooseBackupFile asks for a backup to restore; "" means cancelled. */
  chooseBackupFile: (): Promise<string> => call(async () => (await Settings.ChooseBackupFile()) ?? ''),
  restore: (path: string): Promise<void> => call(() => Settings.Restore(path)),
  openDataFolder: (): Promise<void> => call(() => Settings.OpenDataFolder()),

  list: (): Promise<Workspace[]> =>
    call(async () => ((await Workspaces.List()) ?? []).map((w) => toWorkspace(raw(w)))),
  get: (id: string): Promise<Workspace> => call(async () => toWorkspace(raw(await Workspaces.Get(id)))),
  machineTimezone: (): Promise<string> => call(() => Workspaces.MachineTimezone()),
  languages: (): Promise<string[]> => call(async () => (await Workspaces.Languages()) ?? []),
  create: (s: WorkspaceSettings): Promise<Workspace> =>
    call(async () => toWorkspace(raw(await Workspaces.Create(workspace.Settings.createFrom(toSend(s)))))),
  update: (id: string, s: WorkspaceSettings): Promise<Workspace> =>
    call(async () => toWorkspace(raw(await Workspaces.Update(id, workspace.Settings.createFrom(toSend(s)))))),
  archive: (id: string): Promise<Workspace> => call(async () => toWorkspace(raw(await Workspaces.Archive(id)))),
  unarchive: (id: string): Promise<Workspace> => call(async () => toWorkspace(raw(await Workspaces.Unarchive(id)))),
  /** remove deletes a workspace once `typedName` repeats its name; it returns the backup's path. */
  remove: (id: string, typedName: string): Promise<string> =>
    call(async () => (await Workspaces.Delete(id, typedName))?.backup ?? ''),
  setLogo: (id: string, fileName: string, base64: string): Promise<Workspace> =>
    call(async () => toWorkspace(raw(await Workspaces.SetLogo(id, fileName, base64)))),
  removeLogo: (id: string): Promise<Workspace> => call(async () => toWorkspace(raw(await Workspaces.RemoveLogo(id)))),

  /** onWorkspacesChanged calls fn after any workspace change; it returns the unsubscribe function. */
  onWorkspacesChanged: (fn: (id: string) => void): (() => void) =>
    EventsOn('workspaces:changed', (id: unknown) => fn(typeof id === 'string' ? id : '')),
  /** onSecondInstance calls fn when Relais is launched again while open. */
  onSecondInstance: (fn: () => void): (() => void) => EventsOn('app:second-instance', fn),
};

export type Api = typeof api;
