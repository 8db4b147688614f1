/**
 * One Ctrl-C under `npm start` reaches the gateway twice (the terminal signals the process group, npm forwards its
 * own SIGINT): onStopSignals passes the first on and drops its echo, while a second request still gets through.
 */
import { onStopSignals, SIGNAL_ECHO_MS } from '../../src/signals';

let clock = 0;
let received: NodeJS.Signals[];
let remove: () => void;

beforeEach(() => {
  clock = 0;
  received = [];
  remove = onStopSignals((signal) => received.push(signal), () => clock);
});

afterEach(() => remove());

/** What Node does when the signal arrives: each listener is called with the signal's name. */
const deliver = (signal: NodeJS.Signals): void => void process.emit(signal, signal);

it('drops the same signal again within SIGNAL_ECHO_MS of the first (npm forwarding the Ctrl-C the terminal sent)', () => {
  deliver('SIGINT');
  clock += 5;
  deliver('SIGINT');
  expect(received).toEqual(['SIGINT']);
});

it('passes on the same signal once SIGNAL_ECHO_MS has passed (a person pressing Ctrl-C again to stop waiting)', () => {
  deliver('SIGINT');
  clock += SIGNAL_ECHO_MS;
  deliver('SIGINT');
  expect(received).toEqual(['SIGINT', 'SIGINT']);
});

it('passes on another signal at once (a supervisor that will not wait), and SIGHUP like the others', () => {
  deliver('SIGTERM');
  deliver('SIGINT');
  deliver('SIGHUP');
  expect(received).toEqual(['SIGTERM', 'SIGINT', 'SIGHUP']);
});

it('removes its handlers', () => {
  remove();
  const before = process.listenerCount('SIGINT');
  remove = onStopSignals(() => undefined);
  expect(process.listenerCount('SIGINT')).toBe(before + 1);
  remove();
  expect(process.listenerCount('SIGINT')).toBe(before);
  remove = () => undefined;
});
