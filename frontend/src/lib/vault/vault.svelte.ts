// The vault's status, shared by every screen that shows it (app settings,
// a client's accounts tab): loaded on first use, reloaded when Go says the
// vault changed.
import { api } from '../api';
import type { VaultStatus } from '../accounts/model';

export const vault = $state({
  status: null as VaultStatus | null,
  error: null as unknown,
});

let subscribed = false;
let loading: Promise<void> | null = null;

/** refreshVault asks Go for the vault's status again. */
export function refreshVault(): Promise<void> {
  loading ??= api
    .vaultStatus()
    .then((s) => {
      vault.status = s;
      vault.error = null;
    })
    .catch((e: unknown) => {
      vault.error = e;
    })
    .finally(() => {
      loading = null;
    });
  return loading;
}

/** useVault loads the status once and keeps it current. */
export function useVault(): void {
  if (!subscribed) {
    subscribed = true;
    api.onVaultChanged(() => void refreshVault());
  }
  if (!vault.status) void refreshVault();
}

/** needsAttention says whether the vault blocks account work (not set up, locked, key lost). */
export function needsAttention(s: VaultStatus | null): boolean {
  return !!s && (!s.setUp || s.needsRecovery || s.locked);
}
