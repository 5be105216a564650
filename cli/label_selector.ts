// --label KEY=VALUE flags → a CRI label selector.
export function labelSelector(labels: string[] | undefined): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const label of labels ?? []) {
    const eq = label.indexOf('=');
    if (eq <= 0) throw new Error(`--label ${label}: expected KEY=VALUE`);
    selector[label.slice(0, eq)] = label.slice(eq + 1);
  }
  return selector;
}
