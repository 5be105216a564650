// How a remote command ends, as the error channel tells the client: v4+ sends a JSON
// metav1.Status (the exit code as a cause, which kubectl and crictl turn into their own exit
// code), older versions send only a failure's text.
import { hasJsonStatus } from '../../streaming/protocols';

export type CommandOutcome = { kind: 'success' } | { kind: 'exit'; code: number } | { kind: 'error'; message: string };

/** Bytes for the error channel, or undefined when nothing is sent (success before v4). */
export function encodeOutcome(outcome: CommandOutcome, protocol: string): Buffer | undefined {
  if (hasJsonStatus(protocol)) return Buffer.from(JSON.stringify(statusObject(outcome)));
  if (outcome.kind === 'success') return undefined;
  return Buffer.from(failureMessage(outcome));
}

function statusObject(outcome: CommandOutcome): object {
  switch (outcome.kind) {
    case 'success':
      return { metadata: {}, status: 'Success' };
    case 'exit':
      return {
        metadata: {},
        status: 'Failure',
        message: failureMessage(outcome),
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(outcome.code) }] },
      };
    case 'error':
      return {
        metadata: {},
        status: 'Failure',
        message: failureMessage(outcome),
        reason: 'InternalError',
        details: { causes: [{ message: outcome.message }] },
        code: 500,
      };
  }
}

function failureMessage(outcome: Exclude<CommandOutcome, { kind: 'success' }>): string {
  return outcome.kind === 'exit'
    ? `command terminated with non-zero exit code: exit status ${outcome.code}`
    : `Internal error occurred: error executing command in container: ${outcome.message}`;
}
