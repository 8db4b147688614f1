/**
 * A TCP proxy in front of the test PostgreSQL that can go silent the way networks do: `silence` stops forwarding
 * on open connections and closes their server side, while the gateway's side stays open and hears nothing (no
 * FIN, no RST) — a NAT or firewall idle timeout, a failover, a host that vanished. `holdNew` accepts new
 * connections without forwarding them (a black-holed route); `heal` forwards new connections again, while
 * silenced ones stay dead.
 */
import net from 'node:net';

interface Forwarded {
  client: net.Socket;
  server: net.Socket;
  /** The start-up packet names the database user, database and application_name. */
  startup: string;
  silent: boolean;
}

export interface TcpProxy {
  port: number;
  /** `url` (a PostgreSQL URL) reaching its server through this proxy. */
  via(url: string): string;
  /** Silences every open connection whose start-up packet contains `marker` (all of them without one); returns how many. */
  silence(marker?: string): number;
  /** New connections are accepted and never forwarded until heal(). */
  holdNew(): void;
  heal(): void;
  /** Connections currently forwarded (not silenced), by start-up packet. */
  forwarded(marker?: string): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Forwarded>();
  const held = new Set<net.Socket>();
  let holding = false;
  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (holding) {
      held.add(client);
      client.on('close', () => held.delete(client));
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => client.destroy());
    const pair: Forwarded = { client, server: upstream, startup: '', silent: false };
    open.add(pair);
    client.on('data', (chunk) => {
      if (pair.startup === '') pair.startup = chunk.toString('latin1');
      if (!pair.silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!pair.silent) client.write(chunk);
    });
    client.on('close', () => {
      if (!pair.silent) upstream.destroy();
      open.delete(pair);
    });
    upstream.on('close', () => {
      if (!pair.silent) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const matching = (marker?: string) => [...open].filter((pair) => !pair.silent && (marker === undefined || pair.startup.includes(marker)));
  return {
    port,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    silence(marker) {
      const silenced = matching(marker);
      for (const pair of silenced) {
        pair.silent = true;
        pair.server.destroy(); // the server's backend goes away; the client's side hears nothing
      }
      return silenced.length;
    },
    holdNew() {
      holding = true;
    },
    heal() {
      holding = false;
    },
    forwarded: (marker) => matching(marker).length,
    async close() {
      for (const pair of open) {
        pair.client.destroy();
        pair.server.destroy();
      }
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
