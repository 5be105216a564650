// The process setups CreateContainer starts and does not wait for: the monitor and the init it
// leaves waiting before execve (docs/lifecycle.md, "CreateContainer and StartContainer"). Every
// later verb on the container waits for its setup first; a setup that failed is reported by
// StartContainer, and a stop or remove records it, so a failure is never lost nor half-undone.
import type { CreatedContainer } from '../process/contract';

export type SetupOutcome = { created: CreatedContainer } | { failed: Error };

export class ContainerSetups {
  private readonly pending = new Map<string, Promise<SetupOutcome>>();

  /** Tracks `setup`; `onCreated` runs before anyone waiting on the setup goes on. */
  track(id: string, setup: Promise<CreatedContainer>, onCreated: () => void): void {
    const outcome = setup.then(
      (created): SetupOutcome => {
        onCreated();
        return { created };
      },
      (err: unknown): SetupOutcome => ({ failed: err instanceof Error ? err : new Error(String(err)) }),
    );
    this.pending.set(id, outcome);
  }

  /** Waits for the container's setup, if one was started by this corrald; its failure, if it failed. */
  async failure(id: string): Promise<Error | undefined> {
    const outcome = await this.pending.get(id);
    return outcome && 'failed' in outcome ? outcome.failed : undefined;
  }

  /** Forgets a setup once its container started or was removed. */
  forget(id: string): void {
    this.pending.delete(id);
  }
}
