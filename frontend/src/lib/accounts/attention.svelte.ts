// The accounts that need the user across every client (to reconnect, or
// expiring soon), for the sidebar's badges and the overview's list. One
// call to Go (Accounts.Attention) after the first paint, again whenever
// accounts change, and hourly so a reminder's day count moves on.
import { api } from '../api';
import type { Account } from './model';

export const attention = $state({ accounts: [] as Account[] });

const HOURLY = 60 * 60 * 1000;
let asked = 0;

/** refreshAttention asks Go again; on failure the last answer stays (a reminder is no reason for an error message). */
export async function refreshAttention(): Promise<void> {
  const n = ++asked;
  try {
    const list = await api.accountsAttention();
    // A burst of changes: only the last answer counts.
    if (n === asked) attention.accounts = list;
  } catch {
    // the store is not ready yet, or closing: the next change asks again
  }
}

/** watchAttention loads the list now and keeps it current; it returns the function that stops. */
export function watchAttention(): () => void {
  void refreshAttention();
  const off = api.onAccountsChanged(() => void refreshAttention());
  const timer = setInterval(() => void refreshAttention(), HOURLY);
  return () => {
    off();
    clearInterval(timer);
  };
}
