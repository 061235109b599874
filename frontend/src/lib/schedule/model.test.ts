import { describe, expect, it } from 'vitest';
import en from '../locales/en';
import fr from '../locales/fr';
import { badges, failureKey, stateKey, toCloseRequest, toDueSoon, toHandOffResult, toJob } from './model';

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), tree);
}

describe('publishing model', () => {
  it('fills a job from what Go sends, nulls included', () => {
    const j = toJob({ id: 'v1', state: 'failed', failure: { code: 'revoked', action: 'reconnect' }, lateMinutes: null });
    expect(j.state).toBe('failed');
    expect(j.failure).toEqual({ code: 'revoked', action: 'reconnect', reason: '' });
    expect(j.lateMinutes).toBe(0);
    expect(toJob({}).failure).toBeNull();
  });

  it('reads a close request', () => {
    expect(toCloseRequest({ unsaved: true, dueSoon: { count: 2, next: '2027-03-28T17:00:00Z' } })).toEqual({
      unsaved: true,
      dueSoon: { count: 2, next: '2027-03-28T17:00:00Z', handOff: 0 },
    });
    expect(toCloseRequest(undefined)).toEqual({ unsaved: false, dueSoon: { count: 0, next: '', handOff: 0 } });
  });

  it('has a sentence for every failure code and state, in both languages', () => {
    const codes = ['revoked', 'invalid_text', 'media_rejected', 'rejected', 'unavailable', 'rate_limited', 'no_publisher', 'content', 'account', 'handoff_lost', 'locked', 'visual_gone', 'something-new'];
    const states = ['scheduled', 'sending', 'to_verify', 'published', 'failed', 'waiting_network', 'needs_decision', 'handed_off', 'cancelled'] as const;
    for (const tree of [en, fr]) {
      for (const c of codes) expect(typeof lookup(tree, failureKey(c)), failureKey(c)).toBe('string');
      for (const s of states) expect(typeof lookup(tree, stateKey(s)), stateKey(s)).toBe('string');
    }
    expect(failureKey('something-new')).toBe('activity.failure.other');
    expect(failureKey('locked')).toBe('activity.failure.locked');
    expect(failureKey('visual_gone')).toBe('activity.failure.visual_gone');
  });
});

describe('badges', () => {
  const job = (postId: string, state: string) => toJob({ id: postId + state, postId, state });
  it('gives each post its most pressing publication state', () => {
    const b = badges([
      job('a', 'published'),
      job('a', 'failed'),
      job('a', 'sending'),
      job('b', 'handed_off'),
      job('b', 'scheduled'),
      job('c', 'to_verify'),
      job('c', 'waiting_network'),
      job('d', 'needs_decision'),
      job('d', 'to_verify'),
    ]);
    expect(Object.fromEntries(b)).toEqual({ a: 'failed', b: 'handed_off', c: 'to_verify', d: 'needs_decision' });
  });
  it('leaves out what the post status already says', () => {
    const b = badges([job('a', 'scheduled'), job('a', 'published'), job('b', 'cancelled'), job('c', 'published')]);
    expect(b.size).toBe(0);
  });
  it('reads handOff and the hand-over result', () => {
    expect(toJob({ handOff: true }).handOff).toBe(true);
    expect(toJob({ handOff: 'yes' }).handOff).toBe(false);
    expect(toDueSoon({ count: 3, next: 'x', handOff: 2 })).toEqual({ count: 3, next: 'x', handOff: 2 });
    expect(toHandOffResult({ handed: 2, left: 1 })).toEqual({ handed: 2, left: 1 });
    expect(toHandOffResult(null)).toEqual({ handed: 0, left: 0 });
  });
});
