// Connected accounts, the agency's developer apps and the vault, as the UI
// sees them, converted from what Go sends (app/accounts.go, app/vault.go).
// Pure: no Wails, no DOM. No shape here ever holds a token or a secret.

export type AccountState = 'connected' | 'expiring' | 'needs_reconnect' | 'vault_locked';

export interface Limits {
  maxChars: number;
  maxMedia: number;
  charsPerUrl: number;
  maxImageBytes: number;
  imageMimeTypes: string[];
}

export interface Account {
  id: string;
  workspaceId: string;
  network: string;
  server: string;
  handle: string;
  displayName: string;
  avatarUrl: string;
  url: string;
  state: AccountState;
  /** Days before a reconnection is needed (state "expiring"). */
  daysLeft: number;
  /** RFC 3339, or "" when the network needs no reconnection. */
  reconnectBy: string;
  /** The network's short reason for a needed reconnection, or "". */
  problem: string;
  limits: Limits | null;
  connectedAt: string;
}

export type NetworkKind = 'mastodon' | 'bluesky' | 'oauth';

export interface NetworkInfo {
  name: string;
  kind: NetworkKind;
  needsDevApp: boolean;
  hasDevApp: boolean;
}

export interface DevApp {
  network: string;
  clientId: string;
  /** The loopback port registered as redirect; 0 means any port. */
  port: number;
  /** Whether a client secret is stored (it is never sent back). */
  hasSecret: boolean;
}

export type VaultMode = '' | 'keyring' | 'passphrase';

export interface VaultStatus {
  mode: VaultMode;
  setUp: boolean;
  locked: boolean;
  keyringAvailable: boolean;
  needsRecovery: boolean;
  rotating: boolean;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const bool = (v: unknown): boolean => v === true;

const STATES: AccountState[] = ['connected', 'expiring', 'needs_reconnect', 'vault_locked'];
const KINDS: NetworkKind[] = ['mastodon', 'bluesky', 'oauth'];

export function toLimits(r: unknown): Limits | null {
  if (typeof r !== 'object' || r === null) return null;
  const o = r as Raw;
  return {
    maxChars: num(o.maxChars),
    maxMedia: num(o.maxMedia),
    charsPerUrl: num(o.charsPerUrl),
    maxImageBytes: num(o.maxImageBytes),
    imageMimeTypes: Array.isArray(o.imageMimeTypes) ? o.imageMimeTypes.map(str) : [],
  };
}

export function toAccount(r: Raw): Account {
  const state = str(r.state) as AccountState;
  return {
    id: str(r.id),
    workspaceId: str(r.workspaceId),
    network: str(r.network),
    server: str(r.server),
    handle: str(r.handle),
    displayName: str(r.displayName),
    avatarUrl: str(r.avatarUrl),
    url: str(r.url),
    state: STATES.includes(state) ? state : 'needs_reconnect',
    daysLeft: num(r.daysLeft),
    reconnectBy: str(r.reconnectBy),
    problem: str(r.problem),
    limits: toLimits(r.limits),
    connectedAt: str(r.connectedAt),
  };
}

export function toNetworkInfo(r: Raw): NetworkInfo {
  const kind = str(r.kind) as NetworkKind;
  return {
    name: str(r.name),
    kind: KINDS.includes(kind) ? kind : 'oauth',
    needsDevApp: bool(r.needsDevApp),
    hasDevApp: bool(r.hasDevApp),
  };
}

export function toDevApp(r: Raw): DevApp {
  return { network: str(r.network), clientId: str(r.clientId), port: num(r.port), hasSecret: bool(r.hasSecret) };
}

export function toVaultStatus(r: Raw): VaultStatus {
  const mode = str(r.mode);
  return {
    mode: mode === 'keyring' || mode === 'passphrase' ? mode : '',
    setUp: bool(r.setUp),
    locked: bool(r.locked),
    keyringAvailable: bool(r.keyringAvailable),
    needsRecovery: bool(r.needsRecovery),
    rotating: bool(r.rotating),
  };
}

/** Networks whose one authorization can give several accounts to choose from. */
export const MULTI_GRANT = new Set(['facebook', 'linkedin_page', 'google_business', 'instagram']);

/** The name of a network as people write it (brand names are not translated). */
export const NETWORK_NAMES: Record<string, string> = {
  mastodon: 'Mastodon',
  bluesky: 'Bluesky',
  x: 'X',
  linkedin: 'LinkedIn',
  linkedin_page: 'LinkedIn Page',
  facebook: 'Facebook',
  instagram: 'Instagram',
  threads: 'Threads',
  pinterest: 'Pinterest',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  google_business: 'Google Business Profile',
};

/** Each network's brand colour, for the small badge next to an account. */
export const NETWORK_COLORS: Record<string, string> = {
  mastodon: '#6364ff',
  bluesky: '#1185fe',
  x: '#0f1419',
  linkedin: '#0a66c2',
  linkedin_page: '#0a66c2',
  facebook: '#0866ff',
  instagram: '#d62976',
  threads: '#101010',
  pinterest: '#e60023',
  youtube: '#ff0000',
  tiktok: '#010101',
  google_business: '#1a73e8',
};

/**
 * redirectURI is what the agency registers as its developer app's redirect:
 * Relais listens on 127.0.0.1 at that port (any port when 0).
 */
export function redirectURI(port: number): string {
  return port > 0 ? `http://127.0.0.1:${port}/callback` : 'http://127.0.0.1/callback';
}

/** sortAccounts orders accounts as the backend does: by network, then handle. */
export function sortAccounts(list: Account[], order: string[]): Account[] {
  const rank = (n: string) => {
    const i = order.indexOf(n);
    return i < 0 ? order.length : i;
  };
  return [...list].sort((a, b) => rank(a.network) - rank(b.network) || a.handle.localeCompare(b.handle));
}

/** normHandle removes what people paste around a Bluesky handle: spaces and a leading @. */
export function normHandle(h: string): string {
  return h.trim().replace(/^@+/, '');
}

// ---------- accounts that need the user (sidebar badges, overview list)

/**
 * Why an account needs the user: "revoked", the network refused its
 * sign-in; "expired", past the date it had to be reconnected by; "lost",
 * its sign-in went with the keyring's key (vault recovery); "expiring",
 * to reconnect within the reminder window (account.ReminderDays in Go).
 */
export type AttentionReason = 'revoked' | 'expired' | 'lost' | 'expiring';

/**
 * attentionReason reads why an account needs the user from the state Go
 * computed (the one the Accounts tab shows), or null when it needs
 * nothing. A locked vault is not a reason: the Accounts tab asks to unlock.
 */
export function attentionReason(a: Account, now: Date): AttentionReason | null {
  if (a.state === 'expiring') return 'expiring';
  if (a.state !== 'needs_reconnect') return null;
  if (a.problem === 'vault_recovered') return 'lost';
  const by = Date.parse(a.reconnectBy);
  if ((!Number.isNaN(by) && by <= now.getTime()) || /expired/i.test(a.problem)) return 'expired';
  return 'revoked';
}

/** The little of a workspace the attention list needs. */
export interface AttentionClient {
  id: string;
  name: string;
  archived: boolean;
}

export interface AttentionItem<W extends AttentionClient = AttentionClient> {
  account: Account;
  client: W;
  reason: AttentionReason;
}

/**
 * attentionItems pairs each account needing the user with its client,
 * leaving out archived or unknown clients: those to reconnect first, then
 * the soonest to expire, then by client name and handle.
 */
export function attentionItems<W extends AttentionClient>(accounts: Account[], clients: W[], now: Date): AttentionItem<W>[] {
  const byId = new Map(clients.filter((c) => !c.archived).map((c) => [c.id, c]));
  const out: AttentionItem<W>[] = [];
  for (const account of accounts) {
    const client = byId.get(account.workspaceId);
    const reason = client ? attentionReason(account, now) : null;
    if (client && reason) out.push({ account, client, reason });
  }
  const urgency = (i: AttentionItem<W>) => (i.reason === 'expiring' ? 1 : 0);
  return out.sort(
    (x, y) =>
      urgency(x) - urgency(y) ||
      (urgency(x) ? x.account.daysLeft - y.account.daysLeft : 0) ||
      x.client.name.localeCompare(y.client.name) ||
      x.account.handle.localeCompare(y.account.handle),
  );
}

/** What a client's badge says: how many accounts, and whether to reconnect, soon to expire, or both. */
export interface AttentionSummary {
  count: number;
  kind: 'reconnect' | 'expiring' | 'mixed';
}

/** attentionByClient sums the attention items per client id. */
export function attentionByClient(items: AttentionItem[]): Map<string, AttentionSummary> {
  const out = new Map<string, AttentionSummary>();
  for (const i of items) {
    const kind = i.reason === 'expiring' ? 'expiring' : 'reconnect';
    const s = out.get(i.client.id);
    if (!s) out.set(i.client.id, { count: 1, kind });
    else out.set(i.client.id, { count: s.count + 1, kind: s.kind === kind ? kind : 'mixed' });
  }
  return out;
}
