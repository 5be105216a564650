// Everything an RPC handler may use. Built once at start by server/daemon.ts.
import type { CorralConfig } from './config/config';
import type { NodeRuntimeSettings } from '../runtime/node_settings';
import type { StreamingService } from './streaming/service';

export interface ServerContext {
  readonly config: CorralConfig;
  readonly version: string;
  /** Settings kubelet changes at run time through UpdateRuntimeConfig. */
  readonly nodeSettings: NodeRuntimeSettings;
  /** Exec/Attach/PortForward URLs and the server behind them (absent in contexts built for unit tests). */
  readonly streaming?: StreamingService;
}
