// SIGINT, SIGTERM and SIGHUP (the terminal went away) while `corralctl run` has a pod to clean up: counted and handed to the
// current listener instead of killing corralctl, so --rm still removes what it made.
export class SignalLatch {
  count = 0;
  private listener?: (count: number) => void;
  private readonly handler = (): void => {
    this.count++;
    this.listener?.(this.count);
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    process.on('SIGHUP', this.handler);
  }

  /** `listener` hears every later signal, and at once about any already caught. */
  onSignal(listener: (count: number) => void): void {
    this.listener = listener;
    if (this.count > 0) listener(this.count);
  }

  throwIfCaught(what: string): void {
    if (this.count > 0) throw new Error(`interrupted ${what}`);
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
    process.off('SIGHUP', this.handler);
  }
}
