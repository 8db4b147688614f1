/** The delay line of the bench's simulated network hop: each item leaves `delayMs` after it arrived, in order. */
import { DelayLine } from './delay-line';

test('holds each item for the delay and releases the due ones oldest first', () => {
  const line = new DelayLine<string>(1);
  expect(line.nextDueAt()).toBeNull();
  line.push('a', 10);
  line.push('b', 10.4);
  line.push('c', 11.2);
  expect(line.nextDueAt()).toBe(11);
  expect(line.takeDue(10.99)).toEqual([]);
  expect(line.takeDue(11.4)).toEqual(['a', 'b']);
  expect(line.nextDueAt()).toBe(12.2);
  expect(line.takeDue(20)).toEqual(['c']);
  expect(line.nextDueAt()).toBeNull();
});

test('refuses a negative or missing delay, naming it', () => {
  expect(() => new DelayLine(-1)).toThrow('a delay line needs a delay of 0 ms or more; got -1');
  expect(() => new DelayLine(Number.NaN)).toThrow('got NaN');
});
