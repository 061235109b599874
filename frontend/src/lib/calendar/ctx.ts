// What the calendar's views share with the posts they show, through
// Svelte's context: formatting, the keyboard pick-up, pointer drags and
// opening a post. Calendar.svelte provides it.
import { getContext, setContext } from 'svelte';
import type { Entry } from './model';

export interface CalCtx {
  /** The post's wall-clock time in its workspace's zone. */
  timeOf(e: Entry): string;
  statusLabel(status: string): string;
  /**
   * The most pressing state of the post's publications when its status
   * does not say it (sending, to_verify, waiting_network, handed_off,
   * needs_decision, failed), else ''.
   */
  publication(e: Entry): string;
  /** That state in the user's language. */
  publicationLabel(state: string): string;
  /** "2 problems", in the user's language. */
  problems(n: number): string;
  /** The client's colour in the all-clients view, else ''. */
  color(e: Entry): string;
  /** The client's name in the all-clients view, else ''. */
  client(e: Entry): string;
  untitled(): string;
  /** The id of the post picked up with the keyboard, or ''. */
  picked(): string;
  press(ev: PointerEvent, el: HTMLElement, e: Entry): void;
  key(ev: KeyboardEvent, e: Entry): void;
  /** The post lost focus: a pick-up in progress is cancelled. */
  blur(e: Entry): void;
  open(e: Entry): void;
}

const KEY = Symbol('calendar');

export function setCal(c: CalCtx): void {
  setContext(KEY, c);
}

export function getCal(): CalCtx {
  return getContext<CalCtx>(KEY);
}
