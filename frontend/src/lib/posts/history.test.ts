import { describe, expect, it } from 'vitest';
import { History } from './history';

describe('History', () => {
  it('undoes and redoes recorded snapshots in order', () => {
    const h = new History({ text: '' });
    expect(h.canUndo).toBe(false);
    h.record({ text: 'a' });
    h.record({ text: 'ab' });
    h.record({ text: 'abc' });
    expect(h.undo()).toEqual({ text: 'ab' });
    expect(h.undo()).toEqual({ text: 'a' });
    expect(h.undo()).toEqual({ text: '' });
    expect(h.undo()).toBeNull();
    expect(h.redo()).toEqual({ text: 'a' });
    expect(h.redo()).toEqual({ text: 'ab' });
    expect(h.redo()).toEqual({ text: 'abc' });
    expect(h.redo()).toBeNull();
  });

  it('ignores a snapshot equal to the current one', () => {
    const h = new History({ text: 'a' });
    expect(h.record({ text: 'a' })).toBe(false);
    expect(h.canUndo).toBe(false);
  });

  it('drops the redo steps when a new change is recorded', () => {
    const h = new History(1);
    h.record(2);
    h.record(3);
    h.undo();
    h.record(4);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe(2);
    expect(h.undo()).toBe(1);
  });

  it('records what is on screen before stepping back, so redo brings it again', () => {
    const h = new History('saved');
    h.record('typed');
    // The user typed more, not yet recorded (still within the pause).
    expect(h.undo('typed more')).toBe('typed');
    expect(h.redo()).toBe('typed more');
    expect(h.undo()).toBe('typed');
    expect(h.undo()).toBe('saved');
  });

  it('keeps at most `limit` steps back', () => {
    const h = new History(0, { limit: 3 });
    for (let i = 1; i <= 10; i++) h.record(i);
    expect(h.undo()).toBe(9);
    expect(h.undo()).toBe(8);
    expect(h.undo()).toBe(7);
    expect(h.undo()).toBeNull();
  });

  it('replace changes the current snapshot without an undo step', () => {
    const h = new History({ v: 1, text: 'a' });
    h.replace({ v: 2, text: 'a' });
    expect(h.canUndo).toBe(false);
    expect(h.current).toEqual({ v: 2, text: 'a' });
  });
});
