// Debug-level timings of a multi-step operation (StopPodSandbox, RemovePodSandbox): each step's
// milliseconds since the operation began, logged once at the end so a slow step is easy to spot.
import type { Logger } from './log';

export class StepTimer {
  private readonly started = process.hrtime.bigint();
  private readonly marks: Record<string, number> = {};

  constructor(
    private readonly log: Logger,
    private readonly operation: string,
    private readonly fields: Record<string, unknown>,
  ) {}

  /** Awaits `step` and records when it finished. */
  async step<T>(name: string, step: Promise<T>): Promise<T> {
    const result = await step;
    this.marks[name] = Number(process.hrtime.bigint() - this.started) / 1e6;
    return result;
  }

  done(): void {
    if (!this.log.isDebugEnabled()) return;
    this.log.debug(`${this.operation} steps (ms since start)`, { ...this.fields, steps: this.marks });
  }
}
