// The network presets, asked once per run, and their names in the user's
// language (Go's labels are English; the UI translates by id).
import { api } from '../api';
import { i18n, t } from '../i18n.svelte';
import type { Preset } from './model';

let cached: Promise<Preset[]> | null = null;

/** loadPresets returns Go's preset table (asked once; asked again after a failure). */
export function loadPresets(): Promise<Preset[]> {
  if (!cached) {
    cached = api.library.presets();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** presetLabel is a preset's name in the interface language. */
export function presetLabel(p: Preset): string {
  const key = `library.presets.${p.id}`;
  return i18n.exists(key) ? t(key) : p.label || p.id;
}
