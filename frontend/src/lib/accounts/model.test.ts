import { describe, expect, it } from 'vitest';
import { normHandle, redirectURI, sortAccounts, toAccount, toDevApp, toNetworkInfo, toVaultStatus } from './model';

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
