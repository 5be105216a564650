// The streaming backend of a real corrald: containers and pods come from the lifecycle stores,
// exec runs through the process runtime's helper, attach through the container's monitor,
// port-forward dials inside the pod's pinned network namespace (or the host's loopback for
// host-network pods).
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { FailedPreconditionError, UnimplementedError } from '../errors';
import type { Lifecycle } from '../lifecycle';
import { containerProcess } from '../container/container_record';
import { canExec } from '../container/container_state';
import { isHostNetwork } from '../sandbox/pod_files';
import type { ExecOptions, StdioOptions, StreamedAttach, StreamedExec, StreamingBackend } from './contract';
import { dialInNetns } from './netns_dial';

export class LifecycleStreamingBackend implements StreamingBackend {
  constructor(private readonly lifecycle: Lifecycle) {}

  async runningContainer(containerId: string): Promise<string> {
    const record = await this.lifecycle.containers.status(containerId);
    if (!canExec(record.status))
      throw new FailedPreconditionError(`container ${record.id} is ${record.status.state}, not running`);
    return record.id;
  }

  async readySandbox(podSandboxId: string): Promise<string> {
    const record = this.lifecycle.sandboxes.status(podSandboxId);
    if (record.status.state !== 'ready') throw new FailedPreconditionError(`pod sandbox ${record.id} is not ready`);
    return record.id;
  }

  async exec(containerId: string, options: ExecOptions): Promise<StreamedExec> {
    const record = await this.lifecycle.containers.status(containerId);
    const processes = this.lifecycle.containers.deps.processes;
    if (!processes.execStream) throw new UnimplementedError('this process runtime cannot stream an exec');
    // containerProcess puts the container's seccomp filter back: streamed execs are confined too.
    const process = { ...containerProcess(record.meta), args: options.cmd };
    return processes.execStream(record.meta.bundleDir, process, options);
  }

  async attach(containerId: string, options: StdioOptions): Promise<StreamedAttach> {
    const record = await this.lifecycle.containers.status(containerId);
    const processes = this.lifecycle.containers.deps.processes;
    if (!processes.attachStream) throw new UnimplementedError('this process runtime cannot attach');
    return processes.attachStream(record.meta.bundleDir, options, record.meta.spec.process.stdinOnce);
  }

  async portForward(podSandboxId: string, port: number): Promise<Duplex> {
    const record = this.lifecycle.sandboxes.status(podSandboxId);
    const netns = record.status.namespacePaths.net;
    if (!isHostNetwork(record.meta.config) && netns) return dialInNetns(netns, port);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(socket));
      socket.once('error', reject);
    });
  }
}
