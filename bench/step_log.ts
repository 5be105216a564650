// corrald's debug-level step timings ("<Operation> steps (ms since start)", runtime/step_timer.ts)
// read back from its log: the p50 of each step's finish time, per operation.
import { percentile } from './stats';

interface StepLine {
  message?: string;
  steps?: Record<string, number>;
  method?: string;
  ms?: number;
}

export function stepP50s(log: string): Map<string, Map<string, number>> {
  const marks = new Map<string, Map<string, number[]>>();
  for (const text of log.split('\n')) {
    if (!text.includes(' steps (ms since start)') && !text.includes('"rpc"')) continue;
    let line: StepLine;
    try {
      line = JSON.parse(text) as StepLine;
    } catch {
      continue;
    }
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

export function printStepP50s(log: string): void {
  for (const [op, steps] of stepP50s(log)) {
    const cells = [...steps].map(([step, ms]) => `${step} ${ms.toFixed(1)}`);
    console.log(`corrald ${op} steps, p50 ms since start: ${cells.join(', ')}`);
  }
}
