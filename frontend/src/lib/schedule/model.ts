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

export type DueSoon = { count: number; next: string };

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
  return { count: num(r.count), next: str(r.next) };
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
  const known = ['revoked', 'invalid_text', 'media_rejected', 'rejected', 'unavailable', 'rate_limited', 'no_publisher', 'content', 'account', 'handoff_lost'];
  return `activity.failure.${known.includes(code) ? code : 'other'}`;
}

/** stateKey is the i18n key naming a job's state (calendar badges, lists). */
export function stateKey(state: JobState): string {
  return `activity.state.${state}`;
}
