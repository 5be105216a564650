// Labels and annotations of pods and containers: corrald keeps them in its records and returns
// them in every List and Status, so their size is capped where kubelet's own limits are (with
// room for the entries kubelet adds), and keys are refused where no Kubernetes object could
// have them. Values of annotations stay free text (kubelet stores JSON there).
import { InvalidArgumentError } from '../../runtime/errors';
import { checkMaxLength, checkNoControl } from './text';

/** A Kubernetes qualified name at its longest: a 253-character DNS prefix, "/" and 63 characters. */
export const MAX_METADATA_KEY = 253 + 1 + 63;
/** kubelet's own label values are object names (at most 253); Kubernetes label values are at most 63. */
export const MAX_LABEL_VALUE = 1024;
/** Twice Kubernetes' cap on an object's annotations (256 KiB, keys and values). */
export const MAX_METADATA_BYTES = 512 * 1024;

type StringMap = Record<string, string> | null | undefined;

export function checkLabels(field: string, labels: StringMap): void {
  checkMap(field, labels, (key, value) => {
    checkMaxLength(`${field}[${JSON.stringify(key)}]`, value, MAX_LABEL_VALUE);
    checkNoControl(`${field}[${JSON.stringify(key)}]`, value);
  });
}

export function checkAnnotations(field: string, annotations: StringMap): void {
  checkMap(field, annotations, () => undefined);
}

function checkMap(field: string, map: StringMap, checkValue: (key: string, value: string) => void): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(map ?? {})) {
    if (key === '') throw new InvalidArgumentError(`${field} has an empty key`);
    checkMaxLength(`${field} key`, key, MAX_METADATA_KEY);
    checkNoControl(`${field} key`, key);
    checkValue(key, value);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (bytes > MAX_METADATA_BYTES)
      throw new InvalidArgumentError(`${field} hold more than ${MAX_METADATA_BYTES} bytes of keys and values`);
  }
}
