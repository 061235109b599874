import { describe, expect, it } from 'vitest';
import {
  attentionByClient,
  attentionItems,
  attentionReason,
  normHandle,
  redirectURI,
  sortAccounts,
  toAccount,
  toDevApp,
  toNetworkInfo,
  toVaultStatus,
} from './model';

describe('account converters', () => {
  it('fill what Go leaves out and keep only known states', () => {
    const a = toAccount({ id: 'a1', network: 'bluesky', handle: 'cafe.test', state: 'expiring', daysLeft: 12, limits: null });
    expect(a).toMatchObject({ id: 'a1', network: 'bluesky', handle: 'cafe.test', state: 'expiring', daysLeft: 12 });
    expect(a.displayName).toBe('');
    expect(a.limits).toBeNull();
    expect(toAccount({ state: 'something-new' }).state).toBe('needs_reconnect');
    const m = toAccount({ limits: { maxChars: 500, imageMimeTypes: null } });
    expect(m.limits).toEqual({ maxChars: 500, maxMedia: 0, charsPerUrl: 0, maxImageBytes: 0, imageMimeTypes: [] });
  });

  it('never carry a field Go did not name', () => {
    const a = toAccount({ id: 'a1', token: 'SECRET', accessToken: 'SECRET' });
    expect(JSON.stringify(a)).not.toContain('SECRET');
    const d = toDevApp({ network: 'x', clientId: 'id', clientSecret: 'SECRET', hasSecret: true, port: 8765 });
    expect(d).toEqual({ network: 'x', clientId: 'id', port: 8765, hasSecret: true });
  });

  it('read networks and the vault status', () => {
    expect(toNetworkInfo({ name: 'x', kind: 'oauth', needsDevApp: true })).toEqual({
      name: 'x',
      kind: 'oauth',
      needsDevApp: true,
      hasDevApp: false,
    });
    expect(toNetworkInfo({ name: 'odd', kind: 'carrier-pigeon' }).kind).toBe('oauth');
    expect(toVaultStatus({ mode: 'passphrase', setUp: true, locked: true })).toEqual({
      mode: 'passphrase',
      setUp: true,
      locked: true,
      keyringAvailable: false,
      needsRecovery: false,
      rotating: false,
    });
    expect(toVaultStatus({ mode: 'memory' }).mode).toBe('');
  });
});

describe('helpers', () => {
  it('give the redirect URI to register', () => {
    expect(redirectURI(8765)).toBe('http://127.0.0.1:8765/callback');
    expect(redirectURI(0)).toBe('http://127.0.0.1/callback');
  });
  it('sort by network order then handle', () => {
    const list = [
      toAccount({ id: '1', network: 'x', handle: 'b' }),
      toAccount({ id: '2', network: 'mastodon', handle: 'z' }),
      toAccount({ id: '3', network: 'x', handle: 'a' }),
    ];
    expect(sortAccounts(list, ['mastodon', 'bluesky', 'x']).map((a) => a.id)).toEqual(['2', '3', '1']);
  });
  it('clean a pasted handle', () => {
    expect(normHandle('  @cafe.bsky.social ')).toBe('cafe.bsky.social');
  });
});

describe('accounts needing attention', () => {
  const now = new Date('2026-03-10T09:00:00Z');

  it('read the reason from the state Go computed', () => {
    expect(attentionReason(toAccount({ state: 'connected' }), now)).toBeNull();
    expect(attentionReason(toAccount({ state: 'vault_locked', reconnectBy: '2026-03-01T00:00:00Z' }), now)).toBeNull();
    expect(attentionReason(toAccount({ state: 'expiring', daysLeft: 5 }), now)).toBe('expiring');
    expect(attentionReason(toAccount({ state: 'needs_reconnect', problem: 'invalid_grant' }), now)).toBe('revoked');
    expect(attentionReason(toAccount({ state: 'needs_reconnect', problem: 'vault_recovered' }), now)).toBe('lost');
    // Past its reconnect-by date, or the network saying so.
    expect(attentionReason(toAccount({ state: 'needs_reconnect', reconnectBy: '2026-03-09T00:00:00Z' }), now)).toBe('expired');
    expect(attentionReason(toAccount({ state: 'needs_reconnect', problem: 'refresh token expired' }), now)).toBe('expired');
    // A date still ahead with a refusal: revoked, not expired.
    expect(attentionReason(toAccount({ state: 'needs_reconnect', reconnectBy: '2026-04-01T00:00:00Z' }), now)).toBe('revoked');
    // A state Go did not name falls back to needs_reconnect (toAccount): it is not hidden.
    expect(attentionReason(toAccount({ state: 'new-state' }), now)).toBe('revoked');
  });

  const clients = [
    { id: 'w1', name: 'Zinc Bar', archived: false },
    { id: 'w2', name: 'Atelier Nord', archived: false },
    { id: 'w3', name: 'Old Client', archived: true },
  ];
  const acc = (id: string, workspaceId: string, state: string, extra: Record<string, unknown> = {}) =>
    toAccount({ id, workspaceId, state, handle: id, ...extra });

  it('list accounts to reconnect first, then the soonest to expire, leaving out archived and unknown clients', () => {
    const items = attentionItems(
      [
        acc('e9', 'w2', 'expiring', { daysLeft: 9 }),
        acc('ok', 'w2', 'connected'),
        acc('e2', 'w1', 'expiring', { daysLeft: 2 }),
        acc('r-zinc', 'w1', 'needs_reconnect'),
        acc('r-atelier', 'w2', 'needs_reconnect', { problem: 'vault_recovered' }),
        acc('archived', 'w3', 'needs_reconnect'),
        acc('orphan', 'gone', 'needs_reconnect'),
      ],
      clients,
      now,
    );
    expect(items.map((i) => [i.account.id, i.client.name, i.reason])).toEqual([
      ['r-atelier', 'Atelier Nord', 'lost'],
      ['r-zinc', 'Zinc Bar', 'revoked'],
      ['e2', 'Zinc Bar', 'expiring'],
      ['e9', 'Atelier Nord', 'expiring'],
    ]);
    expect(attentionItems([], clients, now)).toEqual([]);
  });

  it('sum them per client for the sidebar badge', () => {
    const items = attentionItems(
      [
        acc('a', 'w1', 'needs_reconnect'),
        acc('b', 'w1', 'needs_reconnect'),
        acc('c', 'w2', 'expiring', { daysLeft: 3 }),
        acc('d', 'w2', 'needs_reconnect'),
      ],
      clients,
      now,
    );
    const by = attentionByClient(items);
    expect(by.get('w1')).toEqual({ count: 2, kind: 'reconnect' });
    expect(by.get('w2')).toEqual({ count: 2, kind: 'mixed' });
    expect(by.has('w3')).toBe(false);
    expect(attentionByClient(items.filter((i) => i.reason === 'expiring')).get('w2')).toEqual({ count: 1, kind: 'expiring' });
  });
});
