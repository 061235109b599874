// Keyboard shortcuts. Ctrl (⌘ on macOS) + 1…9 opens the Nth client of the
// sidebar, + N creates a client, + S saves, + , opens the settings. Digits
// are read from the physical key (event.code) so they work on AZERTY
// keyboards, where the digit row needs Shift.

export type Shortcut =
  | { kind: 'workspace'; index: number }
  | { kind: 'new' }
  | { kind: 'save' }
  | { kind: 'settings' };

export interface KeyLike {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** isMac tells whether the primary modifier is ⌘. */
export function isMac(os: string, platform = ''): boolean {
  return os === 'darwin' || /^mac/i.test(platform);
}

/** shortcutFor maps a keydown to an app shortcut, or null. */
export function shortcutFor(e: KeyLike, mac: boolean): Shortcut | null {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!primary || e.altKey) return null;
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(e.code);
  if (digit) return { kind: 'workspace', index: Number(digit[1]) - 1 };
  if (e.shiftKey) return null;
  // Letters follow the layout (Ctrl+S is where the S is); layouts without
  // Latin letters fall back to the physical key.
  let key = e.key.length === 1 ? e.key.toLowerCase() : '';
  if (!/^[a-z,]$/.test(key)) key = e.code === 'Comma' ? ',' : (/^Key([A-Z])$/.exec(e.code)?.[1].toLowerCase() ?? '');
  switch (key) {
    case 'n':
      return { kind: 'new' };
    case 's':
      return { kind: 'save' };
    case ',':
      return { kind: 'settings' };
  }
  return null;
}

/** shortcutLabel is how a shortcut is written in the UI ("Ctrl+1", "⌘1"). */
export function shortcutLabel(key: string, mac: boolean): string {
  return mac ? '⌘' + key.toUpperCase() : 'Ctrl+' + key.toUpperCase();
}

/** ariaShortcut is the aria-keyshortcuts value ("Control+1", "Meta+1"). */
export function ariaShortcut(key: string, mac: boolean): string {
  return (mac ? 'Meta+' : 'Control+') + key.toUpperCase();
}
