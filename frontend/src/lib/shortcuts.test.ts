import { describe, expect, it } from 'vitest';
import { ariaShortcut, isMac, shortcutFor, shortcutLabel, type KeyLike } from './shortcuts';

const key = (k: Partial<KeyLike>): KeyLike => ({
  key: '',
  code: '',
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...k,
});

describe('shortcutFor', () => {
  it('maps Ctrl+1…9 to the Nth client', () => {
    for (let n = 1; n <= 9; n++) {
      expect(shortcutFor(key({ key: String(n), code: `Digit${n}`, ctrlKey: true }), false)).toEqual({
        kind: 'workspace',
        index: n - 1,
      });
    }
  });

  it('reads the digit from the physical key (AZERTY: Ctrl+& is Ctrl+1)', () => {
    expect(shortcutFor(key({ key: '&', code: 'Digit1', ctrlKey: true }), false)).toEqual({ kind: 'workspace', index: 0 });
    expect(shortcutFor(key({ key: '2', code: 'Digit2', ctrlKey: true, shiftKey: true }), false)).toEqual({
      kind: 'workspace',
      index: 1,
    });
    expect(shortcutFor(key({ key: '3', code: 'Numpad3', ctrlKey: true }), false)).toEqual({ kind: 'workspace', index: 2 });
  });

  it('ignores 0, plain digits and Alt', () => {
    expect(shortcutFor(key({ key: '0', code: 'Digit0', ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key({ key: '1', code: 'Digit1' }), false)).toBeNull();
    expect(shortcutFor(key({ key: '1', code: 'Digit1', ctrlKey: true, altKey: true }), false)).toBeNull();
  });

  it('uses ⌘ on macOS and Ctrl elsewhere, not both', () => {
    expect(shortcutFor(key({ key: '1', code: 'Digit1', metaKey: true }), true)).toEqual({ kind: 'workspace', index: 0 });
    expect(shortcutFor(key({ key: '1', code: 'Digit1', ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(key({ key: '1', code: 'Digit1', metaKey: true }), false)).toBeNull();
  });

  it('maps N, S and comma', () => {
    expect(shortcutFor(key({ key: 'n', code: 'KeyN', ctrlKey: true }), false)).toEqual({ kind: 'new' });
    expect(shortcutFor(key({ key: 'S', code: 'KeyS', ctrlKey: true }), false)).toEqual({ kind: 'save' });
    expect(shortcutFor(key({ key: ',', code: 'Comma', metaKey: true }), true)).toEqual({ kind: 'settings' });
    expect(shortcutFor(key({ key: 'N', code: 'KeyN', ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(shortcutFor(key({ key: 'x', code: 'KeyX', ctrlKey: true }), false)).toBeNull();
  });

  it('follows the layout for letters, and the key position without Latin letters', () => {
    // Dvorak: the key labelled S sits where QWERTY has O.
    expect(shortcutFor(key({ key: 's', code: 'KeyO', ctrlKey: true }), false)).toEqual({ kind: 'save' });
    expect(shortcutFor(key({ key: 'o', code: 'KeyS', ctrlKey: true }), false)).toBeNull();
    // Russian: ы on the S key.
    expect(shortcutFor(key({ key: 'ы', code: 'KeyS', ctrlKey: true }), false)).toEqual({ kind: 'save' });
  });
});

describe('labels', () => {
  it('writes shortcuts the platform way', () => {
    expect(shortcutLabel('1', false)).toBe('Ctrl+1');
    expect(shortcutLabel('n', true)).toBe('⌘N');
    expect(ariaShortcut('1', false)).toBe('Control+1');
    expect(ariaShortcut('1', true)).toBe('Meta+1');
  });
  it('knows macOS', () => {
    expect(isMac('darwin')).toBe(true);
    expect(isMac('linux', 'Linux x86_64')).toBe(false);
    expect(isMac('', 'MacIntel')).toBe(true);
    expect(isMac('windows', 'Win32')).toBe(false);
  });
});
