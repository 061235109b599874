// Publishing as Go reports it (app/schedule.go): one Job per variant
// planned, the workspace's activity log, and what closing would hold back.

export type JobState =
  | 'scheduled'
  | 'sending'
  | 'to_verify'
  | 'published'
  | 'failed'
  | 'waiting_network'
  | 'needs_decision'
  | 'handed_off'
  | 'cancelled';

export type Failure = { code: string; action: string; reason: string };

export type Job = {
  id: string;
  workspaceId: string;
  postId: string;
  variantId: string;
  accountId: string;
  network: string;
  due: string;
  zone: string;
  state: JobState;
  /** The network is asked to hold it until its time (Mastodon). */
  handOff: boolean;
  url: string;
  failure: Failure | null;
  lateMinutes: number;
  attempts: number;
  updatedAt: string;
};

export type ActivityKind = 'published' | 'failed' | 'to_verify' | 'waiting' | 'needs_decision' | 'handed_off';

export type Activity = {
  at: string;
  kind: ActivityKind;
  jobId: string;
  postId: string;
  accountId: string;
  network: string;
  url: string;
  code: string;
  action: string;
  reason: string;
  lateMinutes: number;
  excerpt: string;
  handle: string;
};

/** What quitting would hold back; handOff of them could be held by their network instead. */
export type DueSoon = { count: number; next: string; handOff: number };

/** What handing the due posts to their networks did. */
export type HandOffResult = { handed: number; left: number };

export type CloseRequest = { unsaved: boolean; dueSoon: DueSoon };

type Raw = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function toFailure(v: unknown): Failure | null {
  if (!v || typeof v !== 'object') return null;
  const r = v as Raw;
  return { code: str(r.code), action: str(r.action), reason: str(r.reason) };
}

export function toJob(r: Raw): Job {
  return {
    id: str(r.id),
    workspaceId: str(r.workspaceId),
    postId: str(r.postId),
    variantId: str(r.variantId),
    accountId: str(r.accountId),
    network: str(r.network),
    due: str(r.due),
    zone: str(r.zone),
    state: (str(r.state) || 'scheduled') as JobState,
    handOff: r.handOff === true,
    url: str(r.url),
    failure: toFailure(r.failure),
    lateMinutes: num(r.lateMinutes),
    attempts: num(r.attempts),
    updatedAt: str(r.updatedAt),
  };
}

export function toActivity(r: Raw): Activity {
  return {
    at: str(r.at),
    kind: (str(r.kind) || 'published') as ActivityKind,
    jobId: str(r.jobId),
    postId: str(r.postId),
    accountId: str(r.accountId),
    network: str(r.network),
    url: str(r.url),
    code: str(r.code),
    action: str(r.action),
    reason: str(r.reason),
    lateMinutes: num(r.lateMinutes),
    excerpt: str(r.excerpt),
    handle: str(r.handle),
  };
}

export function toDueSoon(v: unknown): DueSoon {
  const r = (v ?? {}) as Raw;
  return { count: num(r.count), next: str(r.next), handOff: num(r.handOff) };
}

export function toHandOffResult(v: unknown): HandOffResult {
  const r = (v ?? {}) as Raw;
  return { handed: num(r.handed), left: num(r.left) };
}

/**
 * How much each state of a publication needs the user's eye: a post
 * shows the most pressing state among its publications.
 */
const urgency: Record<JobState, number> = {
  cancelled: 0,
  published: 1,
  scheduled: 2,
  handed_off: 3,
  sending: 4,
  waiting_network: 5,
  to_verify: 6,
  needs_decision: 7,
  failed: 8,
};

/**
 * badges gives each post the most pressing state of its publications,
 * for the calendar. States the post's own status already shows
 * (scheduled, published) get no badge; neither do cancelled ones.
 */
export function badges(jobs: Job[]): Map<string, JobState> {
  const out = new Map<string, JobState>();
  for (const j of jobs) {
    const cur = out.get(j.postId);
    if (!cur || urgency[j.state] > urgency[cur]) out.set(j.postId, j.state);
  }
  for (const [id, s] of out) if (urgency[s] <= urgency.scheduled) out.delete(id);
  return out;
}

export function toCloseRequest(v: unknown): CloseRequest {
  const r = (v ?? {}) as Raw;
  return { unsaved: r.unsaved === true, dueSoon: toDueSoon(r.dueSoon) };
}

/**
 * failureKey is the i18n key of the sentence for a failure code: each code
 * the scheduler sends has one, anything else gets the general sentence.
 */
export function failureKey(code: string): string {
  const known = [
    'revoked',
    'invalid_text',
    'media_rejected',
    'rejected',
    'unavailable',
    'rate_limited',
    'no_publisher',
    'content',
    'account',
    'handoff_lost',
    'locked',
    'visual_gone',
  ];
  return `activity.failure.${known.includes(code) ? code : 'other'}`;
}

/** stateKey is the i18n key naming a job's state (calendar badges, lists). */
export function stateKey(state: JobState): string {
  return `activity.state.${state}`;
}
