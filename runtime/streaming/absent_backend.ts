// The streaming backend of a corrald that has no container lifecycle wired in: every id is
// unknown, so Exec/Attach/PortForward answer NotFound instead of hanging or crashing.
import { NotFoundError } from '../errors';
import type { StreamingBackend } from './contract';

export class AbsentBackend implements StreamingBackend {
  async runningContainer(containerId: string): Promise<string> { throw new NotFoundError(`container ${containerId} not found`); }
  async readySandbox(podSandboxId: string): Promise<string> { throw new NotFoundError(`pod sandbox ${podSandboxId} not found`); }
  exec(containerId: string): Promise<never> { return this.runningContainer(containerId) as Promise<never>; }
  attach(containerId: string): Promise<never> { return this.runningContainer(containerId) as Promise<never>; }
  portForward(podSandboxId: string): Promise<never> { return this.readySandbox(podSandboxId) as Promise<never>; }
}
