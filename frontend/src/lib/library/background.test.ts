import { describe, expect, it } from 'vitest';
import { backgroundFor, brandColours, setBackground } from './background';

const ws = (id: string, colors: string[]) => ({ id, brandKit: { colors } }) as Parameters<typeof backgroundFor>[0];

describe('background choice', () => {
  it('keeps only #rrggbb brand colours', () => {
    expect(brandColours(ws('a', ['#2040C0', 'blue', '#fff', '#00ff00']))).toEqual(['#2040C0', '#00ff00']);
  });

  it('remembers the choice per client, white by default', () => {
    const a = ws('a', ['#2040c0']);
    const b = ws('b', ['#2040c0']);
    expect(backgroundFor(a)).toBe('');
    setBackground('a', '#2040c0');
    expect(backgroundFor(a)).toBe('#2040c0');
    expect(backgroundFor(b)).toBe('');
    setBackground('a', '');
    expect(backgroundFor(a)).toBe('');
  });

  it('falls back to white when the colour left the brand kit', () => {
    setBackground('c', '#2040c0');
    expect(backgroundFor(ws('c', ['#ff0000']))).toBe('');
  });
});
