// List answers built from cached per-record bytes are exactly the encoding of the whole list,
// and follow every replaced, added or removed record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCriServices } from '../proto/load';
import { EncodedItems } from './encoded_items';

interface Rec {
  id: string;
  attempt: number;
}

const method = () => loadCriServices().RuntimeService.service.ListContainers;
const item = (r: Rec) => ({ id: r.id, pod_sandbox_id: 'p', metadata: { name: r.id, attempt: r.attempt } });

function decodedIds(bytes: Buffer): string[] {
  const answer = method().responseDeserialize(bytes) as {
    containers: Array<{ id: string; metadata: { attempt: number } }>;
  };
  return answer.containers.map((c) => `${c.id}/${c.metadata.attempt}`);
}

test('a list answer is the whole list encoded, and changes with every replaced record', () => {
  const encoded = new EncodedItems(method, item, (i) => ({ containers: [i] }));
  const records: Rec[] = [
    { id: 'a', attempt: 0 },
    { id: 'b', attempt: 0 },
  ];
  const first = encoded.response(records).bytes;
  assert.deepEqual(first, method().responseSerialize({ containers: records.map(item) }));
  assert.deepEqual(decodedIds(encoded.response([...records]).bytes), ['a/0', 'b/0']);
  const replaced = [records[0], { id: 'b', attempt: 1 }];
  assert.deepEqual(decodedIds(encoded.response(replaced).bytes), ['a/0', 'b/1']);
  assert.deepEqual(decodedIds(encoded.response([replaced[1]]).bytes), ['b/1']);
  assert.deepEqual(decodedIds(encoded.response([]).bytes), []);
  assert.deepEqual(decodedIds(encoded.response(records).bytes), ['a/0', 'b/0']);
});
