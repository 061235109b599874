import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { PassphraseWait, isWrongPassphrase } from './wait.svelte';

describe('PassphraseWait', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts a refusal’s seconds down to zero, then stops', () => {
    const w = new PassphraseWait();
    w.from(new AppError('vault.wrongPassphrase', '', { seconds: 2 }));
    expect(w.left).toBe(2);
    vi.advanceTimersByTime(1000);
    expect(w.left).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(w.left).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(w.left).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a new refusal restarts the count; no or bad seconds mean no wait', () => {
    const w = new PassphraseWait();
    w.start(4);
    vi.advanceTimersByTime(1000);
    w.start(8);
    expect(w.left).toBe(8);
    expect(vi.getTimerCount()).toBe(1);
    w.from(new AppError('vault.tooSoon', '', { seconds: 'soon' }));
    expect(w.left).toBe(0);
    w.from(new AppError('vault.wrongPassphrase'));
    expect(w.left).toBe(0);
    w.start(3);
    w.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('isWrongPassphrase is a refused passphrase only', () => {
    expect(isWrongPassphrase(new AppError('vault.wrongPassphrase'))).toBe(true);
    expect(isWrongPassphrase(new AppError('vault.tooSoon'))).toBe(true);
    expect(isWrongPassphrase(new AppError('vault.weakPassphrase'))).toBe(false);
    expect(isWrongPassphrase(null)).toBe(false);
  });
});
