// The sections of a client's page, in the order the tab bar shows them.
// Each feature adds one entry; its component is loaded on first use and
// receives the workspace as its only prop.
import type { Component } from 'svelte';
import type { Workspace } from '../model';

export type TabProps = { workspace: Workspace };

export type Tab = {
  /** Stable id, kept in the view (app.view.tab). */
  id: string;
  /** i18n key of the tab's name. */
  label: string;
  load: () => Promise<{ default: Component<TabProps> }>;
};

export const tabs: Tab[] = [
  { id: 'calendar', label: 'calendar.tab', load: () => import('../calendar/CalendarTab.svelte') },
  { id: 'library', label: 'library.tab', load: () => import('../library/LibraryTab.svelte') },
  { id: 'campaigns', label: 'campaigns.tab', load: () => import('./Campaigns.svelte') },
  { id: 'accounts', label: 'accounts.tab', load: () => import('./Accounts.svelte') },
  { id: 'activity', label: 'activity.tab', load: () => import('./Activity.svelte') },
  { id: 'settings', label: 'ws.tabs.settings', load: () => import('./Settings.svelte') },
];

/** tabFor returns the tab with that id, or the first one. */
export function tabFor(id: string | undefined): Tab {
  return tabs.find((t) => t.id === id) ?? tabs[0];
}
