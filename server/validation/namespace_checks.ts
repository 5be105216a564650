// NamespaceOption, shared by pod and container security contexts: every mode a known enum value.
import type { NamespaceOption__Output } from '../../proto/generated/runtime/v1/NamespaceOption';
import { checkOneOf } from './text';

export const NAMESPACE_MODES = ['POD', 'CONTAINER', 'NODE', 'TARGET'] as const;

export function checkNamespaceOptions(field: string, options: NamespaceOption__Output | null | undefined): void {
  if (!options) return;
  checkOneOf(`${field}.network`, options.network, NAMESPACE_MODES);
  checkOneOf(`${field}.pid`, options.pid, NAMESPACE_MODES);
  checkOneOf(`${field}.ipc`, options.ipc, NAMESPACE_MODES);
  if (options.userns_options) checkOneOf(`${field}.userns_options.mode`, options.userns_options.mode, NAMESPACE_MODES);
}
