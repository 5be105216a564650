// The network config in use, kept fresh: fs.watch on the conf dir marks it stale, and readiness
// always re-reads (a watch can miss a dir created after start).
import { watch, type FSWatcher } from 'node:fs';
import { FailedPreconditionError } from '../errors';
import { moduleLogger } from '../log';
import { loadFirstConfig, type NetworkConfigList } from './cni_config';
import { findPlugin } from './cni_plugin_path';

const log = moduleLogger('cni-config');

export interface NetworkReadiness {
  ready: boolean;
  reason: string;
  message: string;
}

export class CniConfigSource {
  private cached: NetworkConfigList | undefined;
  private problem: Error | undefined;
  private stale = true;
  private watcher: FSWatcher | undefined;
  /** The read under way: concurrent callers wait for it rather than see a half-loaded source. */
  private loading: Promise<NetworkConfigList | undefined> | undefined;

  constructor(
    private readonly confDir: string,
    private readonly binDirs: readonly string[],
  ) {}

  /** Starts watching the conf dir; without a watch every read goes to disk. */
  watch(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.confDir, () => {
        this.stale = true;
      });
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      this.watcher = undefined;
    }
  }

  close(): void {
    this.stopWatching();
  }

  /** The config ADD uses; a typed error says why there is none. */
  async current(): Promise<NetworkConfigList> {
    if (this.stale || !this.watcher || this.loading) await this.reload().catch(() => undefined);
    if (this.problem) throw this.problem;
    if (!this.cached) throw new FailedPreconditionError(`no CNI network config in ${this.confDir}`);
    return this.cached;
  }

  async readiness(): Promise<NetworkReadiness> {
    let config: NetworkConfigList | undefined;
    try {
      config = await this.reload();
    } catch (err) {
      return notReady((err as Error).message);
    }
    if (!config) return notReady(`no CNI network config in ${this.confDir}`);
    for (const plugin of config.plugins) {
      if (!(await findPlugin(plugin.type, this.binDirs))) {
        return notReady(
          `CNI plugin "${plugin.type}" of network ${config.name} not found in ${this.binDirs.join(', ')}`,
        );
      }
    }
    return { ready: true, reason: '', message: '' };
  }

  private reload(): Promise<NetworkConfigList | undefined> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<NetworkConfigList | undefined> {
    this.stale = false;
    const previous = this.cached;
    this.problem = undefined;
    try {
      this.cached = await loadFirstConfig(this.confDir);
    } catch (err) {
      this.cached = undefined;
      this.problem = err as Error;
      throw err;
    } finally {
      if (previous?.source !== this.cached?.source || previous?.name !== this.cached?.name) {
        log.info('CNI network config changed', {
          source: this.cached?.source ?? null,
          network: this.cached?.name ?? null,
        });
      }
    }
    return this.cached;
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}

function notReady(message: string): NetworkReadiness {
  return { ready: false, reason: 'NetworkPluginNotReady', message };
}
