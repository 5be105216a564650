// Undo steps for a multi-step operation: when a later step fails, what was done is taken back
// in reverse order, so a failed create leaves nothing behind. A failing undo step is logged and
// the rest still run.
import type { Logger } from './log';

export class UndoStack {
  private readonly steps: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  constructor(private readonly log: Logger) {}

  push(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  async unwind(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step.undo();
      } catch (err) {
        this.log.error('undo step failed; something may be left behind', {
          step: step.what,
          error: (err as Error).message,
        });
      }
    }
  }
}

/**
 * Runs independent steps at once and waits for every one to settle before failing, so the undo
 * stack holds all that was done (a step still running while another failed would be missed).
 */
export async function allSteps<T extends readonly unknown[]>(steps: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
