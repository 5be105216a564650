// corrald's debug-level step timings ("<Operation> steps (ms since start)", runtime/step_timer.ts)
// read back from its log: the p50 of each step's finish time, per operation.
import { percentile } from './stats';

interface StepLine {
  message?: string;
  steps?: Record<string, number>;
  method?: string;
  ms?: number;
  pod?: string;
  container?: string;
}

/** Only the lines of these pods and containers (the rpc lines name neither: left out then). */
function kept(line: StepLine, ids: ReadonlySet<string> | undefined): boolean {
  return !ids || ids.has(line.pod ?? '') || ids.has(line.container ?? '');
}

export function stepP50s(log: string, ids?: ReadonlySet<string>): Map<string, Map<string, number>> {
  const marks = new Map<string, Map<string, number[]>>();
  for (const text of log.split('\n')) {
    if (!text.includes(' steps (ms since start)') && !text.includes('"rpc"')) continue;
    let line: StepLine;
    try {
      line = JSON.parse(text) as StepLine;
    } catch {
      continue;
    }
    if (!kept(line, ids)) continue;
    if (line.message === 'rpc') line = { message: `${line.method} rpc`, steps: { handler: line.ms ?? 0 } };
    const operation = line.message?.split(' ')[0] ?? '?';
    const steps = marks.get(operation) ?? new Map<string, number[]>();
    marks.set(operation, steps);
    for (const [step, ms] of Object.entries(line.steps ?? {})) steps.set(step, [...(steps.get(step) ?? []), ms]);
  }
  return new Map(
    [...marks].map(([op, steps]) => [op, new Map([...steps].map(([step, ms]) => [step, percentile(ms, 50)]))]),
  );
}

/** `title` names the pods the lines are kept for (`ids`), e.g. "pods with CNI". */
export function printStepP50s(log: string, ids?: ReadonlySet<string>, title = ''): void {
  for (const [op, steps] of stepP50s(log, ids)) {
    const cells = [...steps].map(([step, ms]) => `${step} ${ms.toFixed(1)}`);
    console.log(`corrald ${op} steps${title ? ` (${title})` : ''}, p50 ms since start: ${cells.join(', ')}`);
  }
}
