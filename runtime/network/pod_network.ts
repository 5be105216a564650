// Pod networking through CNI: ADD a pod's netns to the configured network (its loopback is
// brought up by corrald itself),
// DEL it with the very inputs ADD had, CHECK it, and report the pod's IPs and network readiness.
import { telemetry } from '../telemetry';
import { moduleLogger } from '../log';
import { StepTimer } from '../step_timer';
import { NotFoundError, FailedPreconditionError } from '../errors';
import { KeyedMutex } from '../store/keyed_mutex';
import { allSteps } from '../undo_stack';
import {
  AttachmentCache,
  UnreadableAttachmentRecord,
  type CachedAttachment,
  type CachedPodNetwork,
} from './attachment_cache';
import { capabilityArgs, type PodNetworkOptions } from './capability_args';
import { addNetworkList, checkNetworkList, delNetworkList, type PluginEnvironment } from './cni_chain';
import { podCniArgs, type PodIdentity } from './cni_args';
import { podIpsFromResult } from './cni_result';
import { CniConfigSource, type NetworkReadiness } from './config_source';
import { bringUpLoopback } from './loopback';
import { isLiveNetns } from './netns_path';

const log = moduleLogger('cni');

export interface CniSettings {
  /** false: pods get only their loopback; no CNI config is needed. */
  enabled: boolean;
  confDir: string;
  binDirs: string[];
  /** Where attachment records live; must survive a corrald restart (under the persistent root). */
  cacheDir: string;
  /** The pod's interface name (CNI_IFNAME); eth0 by default. */
  ifName?: string;
  pluginTimeoutMs?: number;
  /** The node's pod CIDR(s) from UpdateRuntimeConfig, offered as the ipRanges capability. */
  podCidr?: () => string;
}

export interface PodNetworkRequest extends PodIdentity, PodNetworkOptions {
  /** The pod's pinned network namespace. */
  netnsPath: string;
}

/** What ADD gave the pod; `recorded` resolves once its results are on disk for DEL. */
export interface PodAttachment {
  ips: string[];
  recorded: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 90_000;
const LOOPBACK_IFNAME = 'lo';

export class CniPodNetwork {
  private readonly cache: AttachmentCache;
  private readonly config: CniConfigSource;
  private readonly mutex = new KeyedMutex();
  private readonly env: PluginEnvironment;
  private readonly ifName: string;

  constructor(private readonly settings: CniSettings) {
    this.cache = new AttachmentCache(settings.cacheDir);
    this.config = new CniConfigSource(settings.confDir, settings.binDirs);
    this.env = { binDirs: settings.binDirs, timeoutMs: settings.pluginTimeoutMs ?? DEFAULT_TIMEOUT_MS };
    this.ifName = settings.ifName ?? 'eth0';
  }

  /** Prepares the cache dir and starts watching the conf dir. */
  async start(): Promise<void> {
    await this.cache.open();
    if (this.settings.enabled) this.config.watch();
  }

  close(): void {
    this.config.close();
  }

  /** Status's NetworkReady: a valid config whose plugins are installed (always ready when CNI is off). */
  async readiness(): Promise<NetworkReadiness> {
    if (!this.settings.enabled) return { ready: true, reason: '', message: 'CNI is disabled: pods get only loopback' };
    return this.config.readiness();
  }

  /** What Status verbose shows: the settings and the network config in use (or why there is none). */
  async describe(): Promise<Record<string, unknown>> {
    const { enabled, confDir, binDirs } = this.settings;
    if (!enabled) return { enabled, confDir, binDirs };
    try {
      const network = await this.config.current();
      const { name, cniVersion, source, plugins } = network;
      return { enabled, confDir, binDirs, network: { name, cniVersion, source, plugins: plugins.map((p) => p.type) } };
    } catch (err) {
      return { enabled, confDir, binDirs, error: (err as Error).message };
    }
  }

  /** ADDs the pod; returns its IPs, IPv4 first. On failure nothing of the attachment is left. */
  async setUp(request: PodNetworkRequest): Promise<string[]> {
    const { ips, recorded } = await this.attach(request);
    await recorded;
    return ips;
  }

  /**
   * setUp, returning once the plugins are done: the record with their results may still be on
   * its way to disk (`recorded`), so its fsyncs can run beside the caller's. A rejected
   * `recorded` leaves the attachment for the caller's tearDown.
   */
  async attach(request: PodNetworkRequest): Promise<PodAttachment> {
    return this.mutex.run(request.podId, () => telemetry.timeCni('ADD', () => this.add(request)));
  }

  private async add(request: PodNetworkRequest): Promise<PodAttachment> {
    const timer = new StepTimer(log, 'CniAdd', { pod: request.podId });
    if (await this.cache.read(request.podId)) await this.deleteAttachments(request.podId);
    const entry = await timer.step('planned', this.plan(request));
    bringUpLoopback(entry.netns);
    // In place before any plugin starts, so a crash from here on leaves DEL its inputs (the page
    // cache outlives a killed corrald); its fsyncs run while the plugins do.
    const planRecorded = this.cache.writeNow(entry);
    const progress = entry.attachments.map(() => ({ started: 0 }));
    let recorded: Promise<void>;
    try {
      // Attachments are independent networks (a record of an older corral may hold a loopback
      // one): ADDed side by side, all settled before a failure is undone.
      const adds = entry.attachments.map(async (attachment, i) => {
        const added = addNetworkList(attachment, entry.netns, this.env, progress[i]);
        attachment.result = await timer.step(`${attachment.ifName} added`, added);
      });
      await allSteps([...adds, timer.step('record written', planRecorded)]);
      recorded = this.cache.writeNow(entry);
    } catch (err) {
      await planRecorded.catch(() => undefined);
      // The results of the ADDs that succeeded go to DEL as its prevResult.
      await this.cache.write(entry).catch(() => undefined);
      await this.undoFailedAdd(
        entry,
        progress.map((p) => p.started),
      );
      throw err;
    }
    recorded.catch(() => undefined); // the caller's to handle, once it awaits it
    const ips = this.ipsOf(entry);
    log.info('pod network set up', { pod: request.podId, ips });
    timer.done();
    return { ips, recorded };
  }

  /**
   * DELs everything ADD did, with ADD's inputs; idempotent, fine with the netns already gone.
   * `netnsPath` is used only when the attachment record is unreadable.
   */
  async tearDown(podId: string, netnsPath = ''): Promise<void> {
    await this.mutex.run(podId, () =>
      telemetry.timeCni('DEL', () => this.deleteAttachments(podId, undefined, netnsPath)),
    );
  }

  /** CHECKs the pod's attachments against their ADD results. */
  async check(podId: string): Promise<void> {
    await this.mutex.run(podId, async () => {
      const entry = await this.cache.read(podId);
      if (!entry) throw new NotFoundError(`pod ${podId} has no CNI attachment`);
      if (!(await isLiveNetns(entry.netns)))
        throw new FailedPreconditionError(`network namespace ${entry.netns} of pod ${podId} is gone`);
      for (const attachment of entry.attachments) {
        if (attachment.result) await checkNetworkList(attachment, attachment.result, entry.netns, this.env);
      }
    });
  }

  /** The pod's IPs as recorded at ADD (after a restart too); [] when it has none. */
  async podIps(podId: string): Promise<string[]> {
    const entry = await this.cache.read(podId).catch(() => undefined);
    return entry ? this.ipsOf(entry) : [];
  }

  /** Pods with an attachment record, for reconciling with the sandboxes that still exist. */
  async attachedPods(): Promise<string[]> {
    return this.cache.list();
  }

  /**
   * After a restart: DELs attachments of pods that no longer exist (a crash between ADD and the
   * sandbox record, or a removal that did not finish). Failures are logged and retried next time.
   */
  async releaseOrphans(podExists: (podId: string) => boolean): Promise<string[]> {
    const released: string[] = [];
    for (const podId of await this.attachedPods()) {
      if (podExists(podId)) continue;
      try {
        await this.tearDown(podId);
        released.push(podId);
      } catch (err) {
        log.warn('cannot release the network of a vanished pod', { pod: podId, error: (err as Error).message });
      }
    }
    return released;
  }

  private async plan(request: PodNetworkRequest): Promise<CachedPodNetwork> {
    const args = podCniArgs(request);
    const attachments: CachedAttachment[] = [];
    const base = { containerId: request.podId, args, result: null };
    if (this.settings.enabled) {
      const network = await this.config.current();
      const capabilityArgsValue = capabilityArgs(request, this.settings.podCidr?.() ?? '');
      attachments.push({ ...base, network, ifName: this.ifName, capabilityArgs: capabilityArgsValue });
    }
    return { kind: 'corral-cni-v1', podId: request.podId, netns: request.netnsPath, attachments };
  }

  /** `pluginsStarted[i]`: how many plugins of attachment i to DEL (all when not given). */
  private async deleteAttachments(podId: string, pluginsStarted?: number[], netnsHint = ''): Promise<void> {
    const timer = new StepTimer(log, 'CniDel', { pod: podId });
    const entry = await this.cache.read(podId).catch((err: unknown) => this.fallbackEntry(podId, netnsHint, err));
    if (!entry) return;
    const netns = (await timer.step('record read', isLiveNetns(entry.netns))) ? entry.netns : '';
    // The attachments are independent networks (an older record's loopback, the pod's), so their
    // DELs run side by side; all settle before a failure is reported, and the record stays for a retry.
    const dels = entry.attachments.map(async (attachment, i) => {
      const count = pluginsStarted?.[i] ?? attachment.network.plugins.length;
      const deleted =
        count > 0 ? delNetworkList(attachment, attachment.result ?? undefined, netns, this.env, count) : undefined;
      await timer.step(`${attachment.ifName} deleted`, Promise.resolve(deleted));
    });
    await allSteps(dels);
    await timer.step('record removed', this.cache.remove(podId));
    log.info('pod network torn down', { pod: podId });
    timer.done();
  }

  /**
   * Without a readable record DEL goes as libcni does without a cache: the config in use, no
   * prevResult, no capability args. Plugins then release what they find by container id.
   */
  private async fallbackEntry(podId: string, netns: string, err: unknown): Promise<CachedPodNetwork> {
    if (!(err instanceof UnreadableAttachmentRecord)) throw err;
    log.warn('tearing down with the config in use', { pod: podId, error: err.message });
    const base = { containerId: podId, args: 'IgnoreUnknown=1', capabilityArgs: {}, result: null };
    const attachments: CachedAttachment[] = [];
    if (this.settings.enabled) attachments.push({ ...base, network: await this.config.current(), ifName: this.ifName });
    return { kind: 'corral-cni-v1', podId, netns, attachments };
  }

  /**
   * The spec's answer to a failed ADD: DEL what may have been made (the plugins ADD reached).
   * A DEL failure keeps the record, so a later tearDown retries.
   */
  private async undoFailedAdd(entry: CachedPodNetwork, pluginsStarted: number[]): Promise<void> {
    try {
      await this.deleteAttachments(entry.podId, pluginsStarted);
    } catch (err) {
      log.warn('cleanup after failed CNI ADD failed; kept for a later teardown', {
        pod: entry.podId,
        error: (err as Error).message,
      });
    }
  }

  private ipsOf(entry: CachedPodNetwork): string[] {
    const main = entry.attachments.find((a) => a.ifName !== LOOPBACK_IFNAME);
    return main ? podIpsFromResult(main.result, main.network.cniVersion) : [];
  }
}
