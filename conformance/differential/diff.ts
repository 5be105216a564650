// Compares one config's facts from corral and the reference, and matches each difference against
// allowed.md: a table whose rows name configs (or `*`) and a key (`*` matches any characters).
import type { Facts } from './normalise';

export interface Difference {
  config: string;
  key: string;
  corral: string;
  reference: string;
}

export interface AllowedEntry {
  /** The configs named (`exec-*` globs allowed), or every config but those in `except` (`*` `!name`). */
  configs: string[] | '*';
  except: string[];
  /** Probe keys; `*` matches any characters. */
  keys: string[];
  reason: string;
  matchers: RegExp[];
}

const ABSENT = '<absent>';

export function differences(config: string, corral: Facts, reference: Facts): Difference[] {
  // When either runtime refused the config, the refusal is the one difference worth naming.
  const bothRan = corral.get('create') === 'ok' && reference.get('create') === 'ok';
  const keys = bothRan ? new Set([...corral.keys(), ...reference.keys()]) : new Set(['create']);
  const found: Difference[] = [];
  for (const key of [...keys].sort()) {
    const [a, b] = [corral.get(key) ?? ABSENT, reference.get(key) ?? ABSENT];
    if (a !== b) found.push({ config, key, corral: a, reference: b });
  }
  return found;
}

/** Rows of markdown tables whose first two cells are `code`: | `configs` | `key` | reason |. */
export function parseAllowed(markdown: string): AllowedEntry[] {
  const entries: AllowedEntry[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 5 || !cells[1].startsWith('`') || !cells[2].startsWith('`')) continue;
    const configCell = [...cells[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const except = configCell.filter((name) => name.startsWith('!')).map((name) => name.slice(1));
    const keys = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const reason = cells.slice(3, -1).join('|').trim();
    if (reason === '') throw new Error(`allowed.md: a row without a reason: ${line}`);
    entries.push({
      configs: configCell.includes('*') ? '*' : configCell,
      except,
      keys,
      reason,
      matchers: keys.map((key) => new RegExp(`^${key.split('*').map(escapeRegExp).join('.*')}$`)),
    });
  }
  return entries;
}

export function allowedBy(difference: Difference, entries: AllowedEntry[]): AllowedEntry | undefined {
  return entries.find(
    (entry) =>
      (entry.configs === '*'
        ? !entry.except.includes(difference.config)
        : entry.configs.some((name) => globMatch(name, difference.config))) &&
      entry.matchers.some((matcher) => matcher.test(difference.key)),
  );
}

export function formatDifference(d: Difference): string {
  return `${d.config}: ${d.key}\n    corral:     ${d.corral}\n    containerd: ${d.reference}`;
}

function globMatch(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()[\]\\|]/g, '\\$&');
}
