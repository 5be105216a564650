// The error a CNI plugin reports, carrying its own words (msg, details) so RunPodSandbox shows them.
import { CorralError, type ErrorKind } from '../errors';

/** Spec error code 11: a transient condition; the caller may retry. */
const TRY_AGAIN_LATER = 11;

export class CniPluginError extends CorralError {
  constructor(
    readonly plugin: string,
    readonly command: string,
    readonly code: number | undefined,
    readonly msg: string,
    readonly details: string,
  ) {
    super(kindFor(code), describe(plugin, command, code, msg, details));
  }
}

function kindFor(code: number | undefined): ErrorKind {
  return code === TRY_AGAIN_LATER ? 'unavailable' : 'internal';
}

function describe(plugin: string, command: string, code: number | undefined, msg: string, details: string): string {
  const codeText = code === undefined ? '' : ` (code ${code})`;
  const detailText = details && details !== msg ? `: ${details}` : '';
  return `CNI plugin ${plugin} failed ${command}${codeText}: ${msg}${detailText}`;
}
