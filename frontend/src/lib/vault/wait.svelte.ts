import type { AppError } from '../errors';

/** isWrongPassphrase tells whether error is a refused passphrase (wrong, or tried again too soon). */
export function isWrongPassphrase(error: AppError | null): boolean {
  return error?.code === 'vault.wrongPassphrase' || error?.code === 'vault.tooSoon';
}

/**
 * PassphraseWait counts down the wait Go imposes after a wrong passphrase
 * (1 s, 2 s, 4 s… up to 30 s), so a form can say how long and keep its
 * button disabled until then. Call stop when the component goes.
 */
export class PassphraseWait {
  /** Seconds left; 0 when the next try may go. */
  left = $state(0);
  #timer: ReturnType<typeof setInterval> | undefined;

  /** from starts the countdown from a refusal's `seconds` (none or not a number: no wait). */
  from(error: AppError): void {
    const secs = Number(error.info.seconds ?? 0);
    this.start(Number.isFinite(secs) ? secs : 0);
  }

  start(seconds: number): void {
    this.stop();
    this.left = seconds;
    if (seconds <= 0) return;
    this.#timer = setInterval(() => {
      this.left = Math.max(0, this.left - 1);
      if (this.left === 0) this.stop();
    }, 1000);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
