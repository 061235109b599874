/**
 * Long lists that grow as they are reached: the overview's client cards
 * and the sidebar's clients render what fits on a screen first, and the
 * next batch each time the user scrolls (or tabs) near the end of what is
 * there.
 *
 * Why: with 50 clients, rendering every card at start-up cost the web
 * process about 11 MB (scripts/measure-start, issue 3) for cards nobody
 * had scrolled to yet. The data is all there (shortcuts, counts, search
 * work on it); only the DOM waits.
 */
export class Reveal {
  /** How many items to render. */
  limit = $state(0);
  readonly #step: number;

  constructor(first: number, step = first) {
    this.limit = first;
    this.#step = step;
  }

  /**
   * sentinel is an action for an element placed after the rendered
   * items: when it comes within `margin` pixels of the visible part of its
   * scroll container, the next batch renders. It is observed again after
   * each batch, so a batch too short to push it out of reach brings the
   * next one too.
   */
  sentinel = (node: HTMLElement, margin = 100) => {
    if (typeof IntersectionObserver === 'undefined') {
      this.limit = Infinity;
      return {};
    }
    let frame = 0;
    const io = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.limit += this.#step;
        io.unobserve(node);
        frame = requestAnimationFrame(() => io.observe(node));
      },
      { root: scrollParent(node), rootMargin: `${margin}px 0px` },
    );
    io.observe(node);
    return {
      destroy() {
        cancelAnimationFrame(frame);
        io.disconnect();
      },
    };
  };
}

/** scrollParent is the nearest ancestor that scrolls, or null for the viewport. */
function scrollParent(node: HTMLElement): HTMLElement | null {
  for (let el = node.parentElement; el; el = el.parentElement) {
    const { overflowY } = getComputedStyle(el);
    if (overflowY === 'auto' || overflowY === 'scroll') return el;
  }
  return null;
}
