import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLogLine, renderRecord, splitLines } from './cri_log';
import { labelSelector } from './label_selector';

test('CRI log lines parse, partial records keep their line open', () => {
  const full = parseLogLine('2026-11-26T20:00:00.123456789Z stdout F hello world')!;
  assert.deepEqual(full, {
    time: '2026-11-26T20:00:00.123456789Z',
    stream: 'stdout',
    partial: false,
    text: 'hello world',
  });
  const partial = parseLogLine('2026-11-26T20:00:00.1Z stderr P abc')!;
  assert.equal(renderRecord(partial, false), 'abc');
  assert.equal(renderRecord(full, true), '2026-11-26T20:00:00.123456789Z hello world\n');
  assert.equal(parseLogLine('garbage'), undefined);
  assert.equal(parseLogLine('2026-11-26T20:00:00Z stdout F ')!.text, '');
});

test('lines are split across reads', () => {
  const first = splitLines('', 'a\nb');
  assert.deepEqual(first, { lines: ['a'], rest: 'b' });
  assert.deepEqual(splitLines(first.rest, 'c\n'), { lines: ['bc'], rest: '' });
});

test('label selectors from KEY=VALUE flags', () => {
  assert.deepEqual(labelSelector(['a=b', 'c=d=e']), { a: 'b', c: 'd=e' });
  assert.throws(() => labelSelector(['nokey']));
});
