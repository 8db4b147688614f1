/**
 * A TCP proxy that puts a network hop between a bench variant and the bench PostgreSQL (`--db-rtt-ms`): every
 * chunk the server sends back is held BENCH_PROXY_DELAY_MS before it goes on, so each round trip a client (or
 * postgres_fdw) makes costs that much more, as it does when the database is on another host. Requests pass at
 * once: for request/response traffic holding one direction adds the same time as splitting it over both.
 * Run as its own process by bench/run.ts, so its work never sits on a measured process's event loop:
 *   BENCH_PROXY_TARGET_PORT=54339 BENCH_PROXY_DELAY_MS=1 node -r @swc-node/register bench/delay-proxy.ts
 * It prints one line `listening 127.0.0.1:PORT` when ready.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { port, wholeNumber } from './args';
import { DelayLine } from './delay-line';

const targetPort = port('BENCH_PROXY_TARGET_PORT', process.env.BENCH_PROXY_TARGET_PORT ?? '');
const delayMs = wholeNumber('BENCH_PROXY_DELAY_MS', process.env.BENCH_PROXY_DELAY_MS ?? '', 1);

/** Forwards `from`'s chunks to `to` after the delay, in order; `to` ends once the chunks held when `from` ended are out. */
function forwardDelayed(from: net.Socket, to: net.Socket): void {
  const line = new DelayLine<Buffer>(delayMs);
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const release = (): void => {
    timer = null;
    for (const chunk of line.takeDue(performance.now())) to.write(chunk);
    const next = line.nextDueAt();
    if (next !== null) timer = setTimeout(release, Math.max(0, next - performance.now()));
    else if (ended) to.end();
  };
  from.on('data', (chunk: Buffer) => {
    line.push(chunk, performance.now());
    timer ??= setTimeout(release, delayMs);
  });
  from.on('end', () => {
    ended = true;
    if (timer === null) to.end();
  });
}

const server = net.createServer((client) => {
  const upstream = net.connect(targetPort, '127.0.0.1');
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  forwardDelayed(upstream, client);
  const destroyBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.on('close', () => upstream.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  process.stdout.write(`listening 127.0.0.1:${address.port}\n`);
});

const shutdown = (): void => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
