/**
 * One dedicated PostgreSQL connection (outside every pool) that LISTENs on a set of channels and keeps doing
 * so: when the connection drops it reconnects with exponential back-off, re-LISTENs, and tells its owner
 * through `onConnected`, so the owner can catch up on whatever was NOTIFYed while it was away.
 *
 * A LISTEN connection is idle whenever no events flow — exactly the connection a NAT, firewall or load balancer
 * drops after an idle timeout, or a failover leaves behind, without a FIN: the client would wait for
 * notifications forever. So it asks the server a trivial question every `heartbeat.intervalMs`; an answer that
 * does not come within `heartbeat.timeoutMs` (or an error) drops the connection and reconnects like any drop.
 * TCP keepalive is on as well, for the time between heartbeats.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { DEFAULT_CONNECT_TIMEOUT_MS, KEEPALIVE_INITIAL_DELAY_MS } from '../pg-pool';
import { causeKey, RepeatedFailures } from '../repeated-failures';

export interface ReconnectOptions {
  /** First delay after a drop. @default 100 */
  initialMs: number;
  /** Ceiling of the doubling delay. @default 5000 */
  maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { initialMs: 100, maxMs: 5000 };

export interface HeartbeatOptions {
  /** Time between two questions on an idle or busy connection; 0 asks none. @default 15000 */
  intervalMs: number;
  /** Longest wait for the answer before the connection counts as dead. @default 5000 */
  timeoutMs: number;
}

/** A silent connection is noticed within about 20 s. */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 5_000 };

/** Whether notifications can arrive now, and since when that is so. */
export interface ListenerState {
  connected: boolean;
  /** When `connected` last changed (or the listener was created), ISO 8601. */
  since: string;
  /** Connections lost since start (dropped, or found silent by the heartbeat). */
  connectionsLost: number;
  /** Attempts to reconnect that failed since the connection was lost (0 while connected). */
  failedReconnects: number;
}

export interface PgListenerOptions {
  url: string;
  channels: readonly string[];
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  reconnect?: ReconnectOptions;
  /** How a silent connection is noticed. @default DEFAULT_HEARTBEAT */
  heartbeat?: HeartbeatOptions;
  /** Longest wait for a connection to open. @default DEFAULT_CONNECT_TIMEOUT_MS */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity.application_name. @default "seedsmetrics-gateway/listener" */
  applicationName?: string;
  /**
   * Runs after each (re)connection once LISTEN is active, with the connected client (queries on it are
   * allowed). Notifications that arrive meanwhile are still handed to onNotification.
   */
  onConnected(client: pg.Client, attempt: { reconnect: boolean }): Promise<void>;
  onNotification(channel: string, payload: string | undefined): void;
}

export const DEFAULT_LISTENER_APPLICATION_NAME = 'seedsmetrics-gateway/listener';

export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private connectedOnce = false;
  private readonly reconnect: ReconnectOptions;
  private readonly heartbeat: HeartbeatOptions;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private connectedSince = new Date();
  private connectionsLost = 0;
  /** A database that stays down fails every attempt (each 5 s at most): one line per cause and minute. */
  private readonly reconnectFailures = new RepeatedFailures();

  constructor(private readonly options: PgListenerOptions) {
    this.reconnect = options.reconnect ?? DEFAULT_RECONNECT;
    this.heartbeat = options.heartbeat ?? DEFAULT_HEARTBEAT;
    this.delayMs = this.reconnect.initialMs;
  }

  state(): ListenerState {
    return { connected: this.client !== undefined, since: this.connectedSince.toISOString(), connectionsLost: this.connectionsLost, failedReconnects: this.reconnectFailures.failuresInRun };
  }

  /** Connects and LISTENs; rejects if the very first connection fails (later drops are retried forever). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** The live client, if connected (the bridge runs its catch-up reads on it). */
  current(): pg.Client | undefined {
    return this.client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    clearTimeout(this.heartbeatTimer);
    const client = this.client;
    this.setClient(undefined);
    if (client) await client.end().catch(() => undefined);
  }

  private setClient(client: pg.Client | undefined): void {
    if ((client === undefined) !== (this.client === undefined)) this.connectedSince = new Date();
    this.client = client;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.options.applicationName ?? DEFAULT_LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    });
    // Without an 'error' listener a terminated backend (57P01) would crash the process. Once the listener is stopped,
    // an error of the connection it ended (a socket reset by a database that went away, arriving after the end) is
    // no news: logged, it came after the gateway's "stopped" line.
    client.on('error', (error) => {
      if (!this.stopped) this.options.log.warn({ err: error }, 'LISTEN connection error');
    });
    client.on('end', () => this.dropped(client));
    client.on('notification', (message) => {
      if (this.client === client) this.options.onNotification(message.channel, message.payload);
    });
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnect = this.connectedOnce;
    this.connectedOnce = true;
    this.setClient(client);
    this.delayMs = this.reconnect.initialMs;
    this.scheduleHeartbeat(client);
    const outage = this.reconnectFailures.succeeded();
    this.options.log.info({ channels: this.options.channels, reconnect, ...(outage && { failedReconnects: outage.failures }) }, 'listening for notifications');
    try {
      await this.options.onConnected(client, { reconnect });
    } catch (error) {
      if (!reconnect) {
        await this.stop();
        throw error;
      }
      // A failed catch-up must not leave a gap: drop this connection, so the retry catches up again.
      this.options.log.warn({ err: error }, 'catch-up after reconnect failed; reconnecting');
      await client.end().catch(() => undefined);
    }
  }

  private dropped(client: pg.Client): void {
    if (this.client !== client) return;
    this.setClient(undefined);
    clearTimeout(this.heartbeatTimer);
    if (this.stopped) return;
    this.connectionsLost += 1;
    this.options.log.warn({ retryInMs: this.delayMs }, 'LISTEN connection lost; reconnecting');
    this.scheduleRetry();
  }

  private scheduleHeartbeat(client: pg.Client): void {
    const { intervalMs, timeoutMs } = this.heartbeat;
    if (intervalMs <= 0) return;
    this.heartbeatTimer = setTimeout(() => {
      void this.answers(client, timeoutMs).then((problem) => {
        if (this.client !== client || this.stopped) return;
        if (problem === undefined) this.scheduleHeartbeat(client);
        else this.abandon(client, problem);
      });
    }, intervalMs);
    this.heartbeatTimer.unref();
  }

  /** Undefined when the server answers `SELECT 1` within `timeoutMs`, else what went wrong. */
  private async answers(client: pg.Client, timeoutMs: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Gives up a connection that stopped answering: its socket is destroyed (ending it politely could wait forever). */
  private abandon(client: pg.Client, problem: string): void {
    this.setClient(undefined);
    clearTimeout(this.heartbeatTimer);
    this.connectionsLost += 1;
    this.options.log.warn({ problem, retryInMs: this.delayMs }, 'LISTEN connection unresponsive; reconnecting');
    client.removeAllListeners('error');
    client.on('error', () => undefined); // the destroyed socket's error is this drop, already logged
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.reconnect.maxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error: unknown) => {
        const line = this.reconnectFailures.failed(causeKey(error));
        if (line) this.options.log.warn({ err: error, retryInMs: this.delayMs, ...line }, 'LISTEN reconnect failed');
        this.scheduleRetry();
      });
    }, delay);
  }
}
