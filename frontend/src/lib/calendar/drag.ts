// Dragging a post with pointer events (HTML5 drag-and-drop is broken in
// WebKitGTK and WebView2). Nothing reactive happens while the pointer
// moves: a clone of the post follows it through a CSS transform written
// once per animation frame, the day under it is found in boxes measured
// when the drag starts (and again on scroll), and only the two days whose
// highlight changes are touched (a data-over attribute). The calendar's
// state changes once, on drop.
import { type Box, hitDay, minuteAt } from './layout';
import { type DayKey, hhmm } from './time';

export interface DropTarget {
  key: DayKey;
  /** Wall-clock minute in week view; null in month view (keep the post's time). */
  minute: number | null;
}

export interface DragHost {
  /** The element holding the drop targets ([data-day] cells or columns). */
  root(): HTMLElement | null;
  /** Whether drop targets are week-view columns (times snap to 15 minutes). */
  timed(): boolean;
  drop(id: string, target: DropTarget, copy: boolean): void;
  /** Called with true when a drag starts and false when it ends. */
  active?(on: boolean): void;
}

/** The distance (px) the pointer travels before a press becomes a drag. */
const THRESHOLD = 5;

interface Column extends Box {
  fullTop: number;
  fullBottom: number;
}

/**
 * pointerDrag follows a press on a post's element: a click stays a click;
 * past a few pixels it becomes a drag. Alt (Option) held at any point
 * while dragging makes the drop a copy.
 */
export function pointerDrag(down: PointerEvent, el: HTMLElement, id: string, host: DragHost): void {
  if (down.button !== 0 || !down.isPrimary) return;
  const pointerId = down.pointerId;
  const startX = down.clientX;
  const startY = down.clientY;
  let x = startX;
  let y = startY;
  let copy = down.altKey;
  let dragging = false;
  let ghost: HTMLElement | null = null;
  let ghostTime: HTMLElement | null = null;
  let origin = { left: 0, top: 0 };
  let boxes: Column[] = [];
  let cells = new Map<DayKey, HTMLElement>();
  let over = '';
  let minute: number | null = null;
  let shownCopy: boolean | null = null;
  let frame = 0;

  const measure = () => {
    const root = host.root();
    if (!root) return;
    boxes = [];
    cells = new Map();
    for (const c of root.querySelectorAll<HTMLElement>('[data-day]')) {
      const r = c.getBoundingClientRect();
      const clip = c.closest<HTMLElement>('[data-clip]')?.getBoundingClientRect();
      const key = c.dataset.day ?? '';
      cells.set(key, c);
      boxes.push({
        key,
        left: Math.max(r.left, clip?.left ?? -Infinity),
        right: Math.min(r.right, clip?.right ?? Infinity),
        top: Math.max(r.top, clip?.top ?? -Infinity),
        bottom: Math.min(r.bottom, clip?.bottom ?? Infinity),
        fullTop: r.top,
        fullBottom: r.bottom,
      });
    }
  };

  const target = (): DropTarget | null => {
    const key = hitDay(boxes, x, y);
    if (!key) return null;
    if (!host.timed()) return { key, minute: null };
    const col = boxes.find((b) => b.key === key)!;
    // Where the top of the post would be, so it lands where it is seen.
    const top = y - (startY - origin.top);
    return { key, minute: minuteAt(col.fullTop, col.fullBottom, top) };
  };

  // The scrolling area of the week view, scrolled when the pointer nears
  // its top or bottom edge so a post can travel the whole day.
  let scroller: HTMLElement | null = null;
  let scrollBox: DOMRect | null = null;
  const EDGE = 32;
  const autoscroll = (): boolean => {
    if (!scroller || !scrollBox) return false;
    const up = y < scrollBox.top + EDGE && scroller.scrollTop > 0;
    const down = y > scrollBox.bottom - EDGE && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight;
    if (!up && !down) return false;
    scroller.scrollTop += up ? -12 : 12;
    return true;
  };

  const paint = () => {
    frame = 0;
    if (!ghost) return;
    if (autoscroll()) schedule();
    ghost.style.transform = `translate3d(${x - startX}px, ${y - startY}px, 0)`;
    if (copy !== shownCopy) {
      shownCopy = copy;
      ghost.dataset.copy = copy ? 'true' : 'false';
      el.dataset.dragging = copy ? 'copy' : 'move';
    }
    const tgt = target();
    const key = tgt?.key ?? '';
    if (key !== over) {
      if (over) delete cells.get(over)?.dataset.over;
      if (key) cells.get(key)!.dataset.over = '';
      over = key;
    }
    const m = tgt?.minute ?? null;
    if (m !== minute) {
      minute = m;
      if (ghostTime && m !== null) ghostTime.textContent = hhmm(m);
    }
  };

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(paint);
  };

  const begin = () => {
    dragging = true;
    try {
      el.setPointerCapture(pointerId);
    } catch {
      // A synthetic or already released pointer: window listeners still follow it.
    }
    measure();
    scroller = host.timed() ? (host.root()?.querySelector<HTMLElement>('[data-clip]') ?? null) : null;
    scrollBox = scroller?.getBoundingClientRect() ?? null;
    const r = el.getBoundingClientRect();
    origin = { left: r.left, top: r.top };
    ghost = el.cloneNode(true) as HTMLElement;
    ghost.removeAttribute('data-id');
    ghost.removeAttribute('id');
    ghost.setAttribute('aria-hidden', 'true');
    ghost.tabIndex = -1;
    ghost.dataset.ghost = '';
    Object.assign(ghost.style, {
      position: 'fixed',
      left: `${r.left}px`,
      top: `${r.top}px`,
      width: `${r.width}px`,
      height: `${r.height}px`,
      margin: '0',
      zIndex: '1000',
      pointerEvents: 'none',
      willChange: 'transform',
      boxShadow: '0 8px 24px -6px rgb(16 24 40 / 0.35)',
    });
    ghostTime = host.timed() ? ghost.querySelector<HTMLElement>('[data-time]') : null;
    document.body.appendChild(ghost);
    host.active?.(true);
  };

  const finish = (drop: boolean) => {
    window.removeEventListener('pointermove', onMove, true);
    window.removeEventListener('pointerup', onUp, true);
    window.removeEventListener('pointercancel', onCancel, true);
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('keyup', onKey, true);
    window.removeEventListener('scroll', measure, true);
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    if (!dragging) return;
    const tgt = drop ? target() : null;
    if (over) delete cells.get(over)?.dataset.over;
    ghost?.remove();
    ghost = null;
    delete el.dataset.dragging;
    try {
      el.releasePointerCapture(pointerId);
    } catch {
      // already released
    }
    // The click that follows a drag is not a click on the post.
    const swallow = (e: Event) => {
      e.stopPropagation();
      e.preventDefault();
    };
    window.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => window.removeEventListener('click', swallow, true), 0);
    host.active?.(false);
    if (tgt) host.drop(id, tgt, copy);
  };

  function onMove(e: PointerEvent) {
    if (e.pointerId !== pointerId) return;
    x = e.clientX;
    y = e.clientY;
    copy = e.altKey;
    if (!dragging) {
      if (Math.hypot(x - startX, y - startY) < THRESHOLD) return;
      begin();
    }
    e.preventDefault();
    schedule();
  }
  function onUp(e: PointerEvent) {
    if (e.pointerId !== pointerId) return;
    x = e.clientX;
    y = e.clientY;
    copy = e.altKey;
    finish(true);
  }
  function onCancel(e: PointerEvent) {
    if (e.pointerId === pointerId) finish(false);
  }
  function onKey(e: KeyboardEvent) {
    if (!dragging) return;
    if (e.key === 'Escape' && e.type === 'keydown') {
      e.preventDefault();
      e.stopPropagation();
      finish(false);
      return;
    }
    if (e.key === 'Alt') {
      copy = e.type === 'keydown';
      schedule();
    }
  }

  window.addEventListener('pointermove', onMove, true);
  window.addEventListener('pointerup', onUp, true);
  window.addEventListener('pointercancel', onCancel, true);
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('keyup', onKey, true);
  window.addEventListener('scroll', measure, true);
}
