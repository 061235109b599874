// Undo and redo over snapshots. The editor records a snapshot of the post
// when the user pauses or makes a discrete change (a toggle, an attached
// visual); undo steps back through them, redo forward again until a new
// change is recorded. Pure: snapshots are whatever the caller stores
// (plain copies, never live objects).

export class History<T> {
  private past: T[] = [];
  private future: T[] = [];
  private present: T;
  private readonly limit: number;
  private readonly same: (a: T, b: T) => boolean;

  constructor(initial: T, opts: { limit?: number; same?: (a: T, b: T) => boolean } = {}) {
    this.present = initial;
    this.limit = Math.max(1, opts.limit ?? 200);
    this.same = opts.same ?? ((a, b) => JSON.stringify(a) === JSON.stringify(b));
  }

  /** current is the latest recorded snapshot. */
  get current(): T {
    return this.present;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /**
   * record makes state the current snapshot when it differs from it; the
   * redo steps are dropped. It returns whether anything was recorded.
   */
  record(state: T): boolean {
    if (this.same(state, this.present)) return false;
    this.past.push(this.present);
    if (this.past.length > this.limit) this.past.splice(0, this.past.length - this.limit);
    this.present = state;
    this.future = [];
    return true;
  }

  /**
   * undo steps back. When `pending` (what is on screen now, maybe not
   * recorded yet) differs from the current snapshot, it is recorded first,
   * so undo returns to the current snapshot and redo can bring the
   * pending edit back.
   */
  undo(pending?: T): T | null {
    if (pending !== undefined && !this.same(pending, this.present)) {
      this.future = [pending];
      return this.present;
    }
    const prev = this.past.pop();
    if (prev === undefined) return null;
    this.future.push(this.present);
    this.present = prev;
    return prev;
  }

  /** redo steps forward again after an undo. */
  redo(): T | null {
    const next = this.future.pop();
    if (next === undefined) return null;
    this.past.push(this.present);
    this.present = next;
    return next;
  }

  /**
   * replace changes the current snapshot in place, without an undo step
   * (a save that came back with fresh stamps from Go).
   */
  replace(state: T): void {
    this.present = state;
  }
}
