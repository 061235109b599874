// The one seam between the UI and Go. Components call `api`, never the
// generated wailsjs bindings: every rejection becomes an AppError, every
// result a plain, fully-populated object (Go's nil slices arrive as null).
import * as Shell from '../../wailsjs/go/app/Shell';
import * as Settings from '../../wailsjs/go/app/Settings';
import * as Workspaces from '../../wailsjs/go/app/Workspaces';
import * as Accounts from '../../wailsjs/go/app/Accounts';
import * as Vault from '../../wailsjs/go/app/Vault';
import { settings, workspace } from '../../wailsjs/go/models';
import { BrowserOpenURL, ClipboardSetText, EventsOn, OnFileDrop, OnFileDropOff, Quit } from '../../wailsjs/runtime/runtime';
import * as Library from '../../wailsjs/go/app/Library';
import * as PostsBinding from '../../wailsjs/go/app/Posts';
import * as ScheduleGo from '../../wailsjs/go/app/Schedule';
import * as goModels from '../../wailsjs/go/models';
import { keepErrorObject, toAppError } from './errors';
import {
  type Activity,
  type CloseRequest,
  type DueSoon,
  type HandOffResult,
  type Job,
  toActivity,
  toCloseRequest,
  toDueSoon,
  toHandOffResult,
  toJob,
} from './schedule/model';
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
import {
  type Asset,
  type AssetPatch,
  type Crop,
  type ExportResult,
  type GarbageResult,
  type ImportProgress,
  type Preset,
  type Rendition,
  type SearchQuery,
  type SearchResult,
  type TagCount,
  toAsset,
  toExportResult,
  toGarbageResult,
  toImportProgress,
  toPreset,
  toRendition,
  toSearchResult,
  toGoQuery,
  toTagCounts,
} from './library/model';
import {
  type Account,
  type DevApp,
  type NetworkInfo,
  type VaultStatus,
  toAccount,
  toDevApp,
  toNetworkInfo,
  toVaultStatus,
} from './accounts/model';
import {
  type Board,
  type Campaign,
  type HashtagGroup,
  type NewPost,
  type Post,
  type PostAccount,
  type Rules,
  type Snippet,
  type Status,
  fromCampaign,
  fromNewPost,
  fromPost,
  toBoard,
  toCampaign,
  toHashtagGroup,
  toPost,
  toPostAccount,
  toRules,
  toSnippet,
} from './posts/model';
import {
  type Entry,
  type ImportPreview,
  type Slot,
  toEntries,
  toEntry,
  toImportPreview,
  toSlot,
} from './calendar/model';

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
  /** holdClose makes closing the window ask the UI first (unsaved changes). */
  holdClose: (hold: boolean): void => void Shell.HoldClose(hold).catch(() => {}),
  /** quitNow quits without asking again, once the user chose to. */
  quitNow: (): void => void Shell.QuitNow().catch(() => {}),
  /** onCloseRequested calls fn when the window's close was held for the UI to ask. */
  onCloseRequested: (fn: (req: CloseRequest) => void): (() => void) =>
    EventsOn('app:close-requested', (r: unknown) => fn(toCloseRequest(r))),
  /** openExternal opens a page (a published post) in the system browser. */
  openExternal: (url: string): void => {
    if (/^https?:\/\//.test(url)) BrowserOpenURL(url);
  },

  // ---------- accounts & vault (app/accounts.go, app/vault.go). No result
  // ever holds a token or a secret; passwords only travel towards Go.
  vaultStatus: (): Promise<VaultStatus> => call(async () => toVaultStatus(raw(await Vault.Status()))),
  vaultSetUpKeyring: (): Promise<void> => call(() => Vault.SetUpKeyring()),
  vaultSetUpPassphrase: (passphrase: string): Promise<void> => call(() => Vault.SetUpPassphrase(passphrase)),
  /** vaultUnlock rejects with vault.wrongPassphrase / vault.tooSoon, info.seconds = the wait before the next try. */
  vaultUnlock: (passphrase: string): Promise<void> => call(() => Vault.Unlock(passphrase)),
  vaultLock: (): Promise<void> => call(() => Vault.Lock()),
  vaultChangePassphrase: (old: string, next: string): Promise<void> => call(() => Vault.ChangePassphrase(old, next)),
  vaultRotate: (passphrase: string): Promise<void> => call(() => Vault.Rotate(passphrase)),
  /** vaultRecover starts a new key after the keyring lost the old one; it returns how many sign-ins were lost. */
  vaultRecover: (): Promise<number> => call(async () => (await Vault.Recover()) ?? 0),

  networks: (): Promise<NetworkInfo[]> =>
    call(async () => ((await Accounts.Networks()) ?? []).map((n) => toNetworkInfo(raw(n)))),
  accounts: (workspaceId: string): Promise<Account[]> =>
    call(async () => ((await Accounts.List(workspaceId)) ?? []).map((a) => toAccount(raw(a)))),
  /** accountsAttention lists, across every client, the accounts to reconnect or expiring soon, most urgent first. */
  accountsAttention: (): Promise<Account[]> =>
    call(async () => ((await Accounts.Attention()) ?? []).map((a) => toAccount(raw(a)))),
  connectMastodon: (workspaceId: string, server: string): Promise<Account[]> =>
    call(async () => ((await Accounts.ConnectMastodon(workspaceId, server)) ?? []).map((a) => toAccount(raw(a)))),
  /** connectBluesky signs in with an app password; server "" is the main Bluesky service. */
  connectBluesky: (workspaceId: string, server: string, handle: string, appPassword: string): Promise<Account[]> =>
    call(async () =>
      ((await Accounts.ConnectBluesky(workspaceId, server, handle, appPassword)) ?? []).map((a) => toAccount(raw(a))),
    ),
  connectOAuth: (workspaceId: string, network: string): Promise<Account[]> =>
    call(async () => ((await Accounts.ConnectOAuth(workspaceId, network)) ?? []).map((a) => toAccount(raw(a)))),
  /** cancelConnect abandons a connection waiting on the browser (it then rejects with app.cancelled). */
  cancelConnect: (): Promise<void> => call(() => Accounts.CancelConnect()),
  /** reconnect signs an account in again; appPassword is for Bluesky only. */
  reconnect: (id: string, appPassword = ''): Promise<Account> =>
    call(async () => toAccount(raw(await Accounts.Reconnect(id, appPassword)))),
  /** disconnect revokes where the network allows and removes the account; revoked says whether the network confirmed. */
  disconnect: (id: string): Promise<{ revoked: boolean }> =>
    call(async () => ({ revoked: (await Accounts.Disconnect(id))?.revoked === true })),
  /** forget drops accounts an authorization gave that the user does not keep, revoking nothing. */
  forgetAccounts: (ids: string[]): Promise<void> => call(() => Accounts.Forget(ids)),

  devApps: (): Promise<DevApp[]> => call(async () => ((await Accounts.DevApps()) ?? []).map((d) => toDevApp(raw(d)))),
  /** setDevApp saves a developer app; an empty secret keeps the stored one. */
  setDevApp: (network: string, clientId: string, clientSecret: string, port: number): Promise<DevApp> =>
    call(async () => toDevApp(raw(await Accounts.SetDevApp(network, clientId, clientSecret, port)))),
  deleteDevApp: (network: string): Promise<void> => call(() => Accounts.DeleteDevApp(network)),

  /** onAccountsChanged calls fn with the workspace id ("" for all) after accounts change. */
  onAccountsChanged: (fn: (workspaceId: string) => void): (() => void) =>
    EventsOn('accounts:changed', (id: unknown) => fn(typeof id === 'string' ? id : '')),
  /** onVaultChanged calls fn after the vault is set up, unlocked, locked or recovered. */
  onVaultChanged: (fn: () => void): (() => void) => EventsOn('vault:changed', () => fn()),
  /** copyText puts text on the clipboard (the redirect URI to register). */
  copyText: async (text: string): Promise<void> => {
    if (await ClipboardSetText(text).catch(() => false)) return;
    await navigator.clipboard.writeText(text);
  },

  // ---------- posts (app/posts.go). The editor's calls; the calendar adds
  // its own beside them in this same object.
  posts: {
    create: (workspaceId: string, n: NewPost): Promise<Post> =>
      call(async () => toPost(raw(await PostsGo().Create(workspaceId, fromNewPost(n))))),
    get: (id: string): Promise<Post> => call(async () => toPost(raw(await PostsGo().Get(id)))),
    /** save stores the post (Go validates it and bumps its version); code "post.conflict" on a stale version. */
    save: (p: Post): Promise<Post> => call(async () => toPost(raw(await PostsGo().Save(fromPost(p))))),
    /** validate returns the post with each variant's problems, without saving it. */
    validate: (p: Post): Promise<Post> => call(async () => toPost(raw(await PostsGo().Validate(fromPost(p))))),
    remove: (id: string): Promise<void> => call(async () => void (await PostsGo().Delete(id))),
    setStatus: (id: string, status: Status): Promise<Post> =>
      call(async () => toPost(raw(await PostsGo().SetStatus(id, status)))),
    rules: (): Promise<Rules[]> => call(async () => arr(await PostsGo().Rules()).map((r) => toRules(raw(r)))),
    /** boards lists a Pinterest account's boards, by name. */
    boards: (accountId: string): Promise<Board[]> =>
      call(async () => arr(await PostsGo().Boards(accountId)).map((b) => toBoard(raw(b)))),
    campaigns: (ws: string): Promise<Campaign[]> =>
      call(async () => arr(await PostsGo().Campaigns(ws)).map((c) => toCampaign(raw(c)))),
    /** saveCampaign creates (id '') or replaces a campaign; the result's post count is 0 (campaigns() has it). */
    saveCampaign: (c: Campaign): Promise<Campaign> =>
      call(async () => toCampaign(raw(await PostsGo().SaveCampaign(fromCampaign(c))))),
    /** deleteCampaign removes a campaign; its posts stay in the plan, without a campaign. */
    deleteCampaign: (id: string): Promise<void> => call(async () => void (await PostsGo().DeleteCampaign(id))),
    hashtagGroups: (ws: string): Promise<HashtagGroup[]> =>
      call(async () => arr(await PostsGo().HashtagGroups(ws)).map((g) => toHashtagGroup(raw(g)))),
    snippets: (ws: string): Promise<Snippet[]> =>
      call(async () => arr(await PostsGo().Snippets(ws)).map((s) => toSnippet(raw(s)))),
    /** saveHashtagGroup creates (id '') or replaces a hashtag group. */
    saveHashtagGroup: (g: HashtagGroup): Promise<HashtagGroup> =>
      call(async () => toHashtagGroup(raw(await PostsGo().SaveHashtagGroup({ ...g, tags: [...g.tags] })))),
    deleteHashtagGroup: (id: string): Promise<void> => call(async () => void (await PostsGo().DeleteHashtagGroup(id))),
    /** saveSnippet creates (id '') or replaces a text snippet. */
    saveSnippet: (s: Snippet): Promise<Snippet> => call(async () => toSnippet(raw(await PostsGo().SaveSnippet({ ...s })))),
    deleteSnippet: (id: string): Promise<void> => call(async () => void (await PostsGo().DeleteSnippet(id))),
    labels: (ws: string): Promise<string[]> =>
      call(async () => arr(await PostsGo().Labels(ws)).filter((l): l is string => typeof l === 'string')),
    /** accounts lists a workspace's connected accounts, as the editor needs them. */
    accounts: (ws: string): Promise<PostAccount[]> =>
      call(async () => arr(await Accounts.List(ws)).map((a) => toPostAccount(raw(a)))),
    /** onChanged calls fn with the workspace id after any post change; it returns the unsubscribe function. */
    onChanged: (fn: (workspaceId: string) => void): (() => void) =>
      EventsOn('posts:changed', (e: unknown) =>
        fn(typeof e === 'string' ? e : typeof raw(e)?.workspaceId === 'string' ? String(raw(e).workspaceId) : ''),
      ),

    // The calendar's calls (frontend/src/lib/calendar). Times are RFC 3339
    // UTC strings, '' when none; workspaceId '' means every client.
    range: (workspaceId: string, from: string, to: string): Promise<Entry[]> =>
      call(async () => toEntries(await PostsGo().Range(workspaceId, from, to))),
    unscheduled: (workspaceId: string): Promise<Entry[]> =>
      call(async () => toEntries(await PostsGo().Unscheduled(workspaceId))),
    move: (id: string, due: string): Promise<Entry> => call(async () => toEntry(raw(await PostsGo().Move(id, due)))),
    /** duplicate copies a post to `due` ('' leaves the copy unscheduled). */
    duplicate: (id: string, due: string): Promise<Entry> =>
      call(async () => toEntry(raw(await PostsGo().Duplicate(id, due)))),
    /** addToQueue puts a post in its accounts' next free posting slot. */
    addToQueue: (id: string): Promise<Entry> => call(async () => toEntry(raw(await PostsGo().AddToQueue(id)))),
    slots: (ws: string): Promise<Slot[]> => call(async () => arr(await PostsGo().Slots(ws)).map((s) => toSlot(raw(s)))),
    setSlots: (ws: string, slots: Slot[]): Promise<void> => call(async () => void (await PostsGo().SetSlots(ws, slots))),
    /** exportCSV and exportICS ask where to save when path is ''; they return the path written ('' when cancelled). */
    exportCSV: (ws: string, from: string, to: string, path = ''): Promise<string> =>
      call(async () => String((await PostsGo().ExportCSV(ws, from, to, path)) ?? '')),
    exportICS: (ws: string, path = ''): Promise<string> =>
      call(async () => String((await PostsGo().ExportICS(ws, path)) ?? '')),
    importPreview: (ws: string, name: string, base64: string): Promise<ImportPreview> =>
      call(async () => toImportPreview(raw(await PostsGo().ImportPreview(ws, { name, data: base64 })))),
    importConfirm: (token: string): Promise<number> =>
      call(async () => Number((await PostsGo().ImportConfirm(token)) ?? 0)),
  },

  // ---------- publishing (app/schedule.go; frontend/src/lib/schedule).
  schedule: {
    /** jobs lists the publications due in [from, to) ('' workspace: all clients). */
    jobs: (ws: string, from: string, to: string): Promise<Job[]> =>
      call(async () => (((await ScheduleGo.Jobs(ws, from, to)) as unknown[] | null) ?? []).map((j) => toJob(raw(j)))),
    /** postJobs lists one post's publications, one per variant planned. */
    postJobs: (postId: string): Promise<Job[]> =>
      call(async () => (((await ScheduleGo.PostJobs(postId)) as unknown[] | null) ?? []).map((j) => toJob(raw(j)))),
    activity: (ws: string, limit = 200): Promise<Activity[]> =>
      call(async () => (((await ScheduleGo.Activity(ws, limit)) as unknown[] | null) ?? []).map((a) => toActivity(raw(a)))),
    publishNow: (jobId: string): Promise<Job> => call(async () => toJob(raw(await ScheduleGo.PublishNow(jobId)))),
    skip: (jobId: string): Promise<void> => call(() => ScheduleGo.Skip(jobId)),
    retryFailed: (accountId: string): Promise<number> => call(async () => Number(await ScheduleGo.RetryFailed(accountId))),
    policy: (ws: string): Promise<number> => call(async () => Number(raw(await ScheduleGo.Policy(ws)).minutes ?? 0)),
    setPolicy: (ws: string, minutes: number): Promise<void> => call(() => ScheduleGo.SetPolicy(ws, { minutes })),
    dueSoon: (): Promise<DueSoon> => call(async () => toDueSoon(await ScheduleGo.DueSoon())),
    /** handOffDueSoon asks the networks that can (Mastodon) to hold the posts due soon; it waits until they do. */
    handOffDueSoon: (): Promise<HandOffResult> =>
      call(async () => toHandOffResult(await ScheduleGo.HandOffDueSoon())),
    /** onChanged calls fn when a publication moved on (published, failed, waiting…). */
    onChanged: (fn: (e: { workspaceId: string; postId: string; kind: string }) => void): (() => void) =>
      EventsOn('schedule:changed', (e: unknown) => {
        const r = raw(e ?? {});
        fn({ workspaceId: String(r.workspaceId ?? ''), postId: String(r.postId ?? ''), kind: String(r.kind ?? '') });
      }),
    /** onClockJump calls fn with how far the wall clock moved (seconds; positive: forward or a sleep). */
    onClockJump: (fn: (seconds: number) => void): (() => void) =>
      EventsOn('schedule:clock', (e: unknown) => fn(Number(raw(e ?? {}).seconds ?? 0))),
  },

  // ---------- visual library (app/library.go; frontend/src/lib/library).
  // Pictures never travel through these calls except on the way in
  // (ImportFiles, base64): thumbnails and renditions are same-origin URLs.
  library: {
    /** importPaths imports files and folders (an OS drop); it returns the import's id. */
    importPaths: (workspaceId: string, paths: string[]): Promise<string> =>
      call(async () => String((await Library.ImportPaths(workspaceId, paths)) ?? '')),
    /** importFiles imports files read in the page (paste, file input), each {name, data: base64}. */
    importFiles: (workspaceId: string, files: { name: string; data: string }[]): Promise<string> =>
      call(async () => {
        const payload = files.map((f) => goModels.app.FileData.createFrom(f));
        return String((await Library.ImportFiles(workspaceId, payload)) ?? '');
      }),
    /** pickAndImport opens the OS file dialog; '' means the user cancelled it. */
    pickAndImport: (workspaceId: string): Promise<string> =>
      call(async () => String((await Library.PickAndImport(workspaceId)) ?? '')),
    cancelImport: (importId: string): Promise<void> => call(async () => void (await Library.CancelImport(importId))),
    search: (q: SearchQuery): Promise<SearchResult> =>
      call(async () => toSearchResult(raw(await Library.Search(goModels.app.LibraryQuery.createFrom(toGoQuery(q)))))),
    get: (id: string): Promise<Asset> => call(async () => toAsset(raw(await Library.Get(id)))),
    update: (id: string, patch: AssetPatch): Promise<Asset> =>
      call(async () => toAsset(raw(await Library.Update(id, goModels.app.AssetPatch.createFrom(patch))))),
    bulkTag: (ids: string[], add: string[], remove: string[]): Promise<void> =>
      call(async () => void (await Library.BulkTag(ids, add, remove))),
    /** remove deletes visuals; without confirm it rejects with library.inUse (info.posts) when a scheduled post uses one. */
    remove: (ids: string[], confirm: boolean): Promise<void> =>
      call(async () => void (await Library.Delete(ids, confirm))),
    tags: (workspaceId: string): Promise<TagCount[]> => call(async () => toTagCounts(await Library.Tags(workspaceId))),
    collectGarbage: (): Promise<GarbageResult> => call(async () => toGarbageResult(await Library.CollectGarbage())),
    presets: (): Promise<Preset[]> => call(async () => arr(await Library.Presets()).map(toPreset)),
    /** renditions makes (or reuses) every preset's rendition; background '' is white. */
    renditions: (assetId: string, background: string): Promise<Rendition[]> =>
      call(async () => arr(await Library.Renditions(assetId, background)).map(toRendition)),
    /**
     * setCrop stores a hand-set crop in source pixels (null goes back to the
     * focal crop) and returns the rendition made on background, as the preview.
     */
    setCrop: (assetId: string, presetId: string, crop: Crop | null, background: string): Promise<Rendition> =>
      call(async () => {
        // Go takes a *CropRect: null (JSON null) means "no crop by hand".
        const rect = (crop ? goModels.app.CropRect.createFrom(crop) : null) as goModels.app.CropRect;
        return toRendition(await Library.SetCrop(assetId, presetId, rect, background));
      }),
    /**
     * exportTo writes renditions to folder ('' asks with the OS dialog; result.folder '' = cancelled),
     * transparent pictures on background ('' white), the one the preview used.
     */
    exportTo: (assetIds: string[], presetIds: string[], folder: string, background: string): Promise<ExportResult> =>
      call(async () => toExportResult(await Library.Export(assetIds, presetIds, folder, background))),
    /** onChanged calls fn (with the workspace id, '' for several) after visuals change. */
    onChanged: (fn: (workspaceId: string) => void): (() => void) =>
      EventsOn('library:changed', (id: unknown) => fn(typeof id === 'string' ? id : '')),
    onImportProgress: (fn: (p: ImportProgress) => void): (() => void) =>
      EventsOn('library:import-progress', (p: unknown) => fn(toImportProgress(p))),
    /**
     * onFileDrop calls fn with the paths of files and folders dropped from
     * the OS anywhere on the window (Wails' own file drop); it returns the
     * function that stops listening. Outside the desktop window it does nothing.
     */
    onFileDrop: (fn: (paths: string[]) => void): (() => void) => {
      try {
        OnFileDrop((_x: number, _y: number, paths: string[]) => fn(Array.isArray(paths) ? paths : []), false);
      } catch {
        return () => {};
      }
      return () => {
        try {
          OnFileDropOff();
        } catch {
          // the runtime is gone: nothing to stop
        }
      };
    },
  },
};

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// The Posts facade (generated bindings of app/posts.go), typed loosely:
// the converters in posts/model.ts and calendar/model.ts shape what goes in
// and out.
type PostsFacade = Record<string, (...args: unknown[]) => Promise<unknown>>;
function PostsGo(): PostsFacade {
  return PostsBinding as unknown as PostsFacade;
}

export type Api = typeof api;
