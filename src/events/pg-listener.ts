/**
 * One dedicated PostgreSQL connection (outside every pool) that LISTENs on a set of channels and keeps doing
 * so: when the connection drops it reconnects with exponential back-off, re-LISTENs, and tells its owner
 * through `onConnected`, so the owner can catch up on whatever was NOTIFYed while it was away.
 */
import pg from 'pg';
import type { Logger } from '../logger';

export interface ReconnectOptions {
  /** First delay after a drop. @default 100 */
  initialMs: number;
  /** Ceiling of the doubling delay. @default 5000 */
  maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { initialMs: 100, maxMs: 5000 };

export interface PgListenerOptions {
  url: string;
  channels: readonly string[];
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  reconnect?: ReconnectOptions;
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

  constructor(private readonly options: PgListenerOptions) {
    this.reconnect = options.reconnect ?? DEFAULT_RECONNECT;
    this.delayMs = this.reconnect.initialMs;
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
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: this.options.applicationName ?? DEFAULT_LISTENER_APPLICATION_NAME,
    });
    // Without an 'error' listener a terminated backend (57P01) would crash the process.
    client.on('error', (error) => this.options.log.warn({ err: error }, 'LISTEN connection error'));
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
    this.client = client;
    this.delayMs = this.reconnect.initialMs;
    this.options.log.info({ channels: this.options.channels, reconnect }, 'listening for notifications');
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
    this.client = undefined;
    if (this.stopped) return;
    this.options.log.warn({ retryInMs: this.delayMs }, 'LISTEN connection lost; reconnecting');
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.reconnect.maxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.options.log.warn({ err: error, retryInMs: this.delayMs }, 'LISTEN reconnect failed');
        this.scheduleRetry();
      });
    }, delay);
  }
}
