/**
 * NOTIFY → PubSub. The engine's triggers NOTIFY the highest new id of dpd_transitions (channel dpd_transition)
 * and par_changes (channel par_change) at commit; the payload is only a wake-up. For each feed the bridge reads
 * the ids after the last one it delivered, up to the notified id, from the table in order, and publishes each
 * id once. After a dropped LISTEN connection it re-LISTENs and catches up from the last delivered id to the
 * table's current maximum, so no event is lost; a malformed payload, or one naming an id the table does not hold, is
 * logged and skipped.
 *
 * Ordering relies on the engine's contract: one writer (advisory lock) appends, so ids commit in order.
 */
import type pg from 'pg';
import type { Logger } from '../logger';
import { PgListener, type HeartbeatOptions, type ListenerState, type ReconnectOptions } from './pg-listener';
import { FEEDS, type FeedSpec } from './feeds';
import type { AppPubSub } from './pubsub';

/** Rows read per catch-up statement. */
const PAGE_SIZE = 1000;

/** A NOTIFY payload we accept: a positive bigint in decimal (at most MAX_BIGINT). */
const ID_PAYLOAD = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 2n ** 63n - 1n;

export interface EventBridgeOptions {
  metricsUrl: string;
  pubSub: AppPubSub;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  /** Back-off of the LISTEN connection. @default { initialMs: 100, maxMs: 5000 } */
  reconnect?: ReconnectOptions;
  /** How a silent LISTEN connection is noticed. @default { intervalMs: 15000, timeoutMs: 5000 } */
  heartbeat?: HeartbeatOptions;
  /** Longest wait for the LISTEN connection to open. @default 10000 */
  connectTimeoutMs?: number;
  /** application_name of the LISTEN connection. @default "seedsmetrics-gateway/listener" */
  applicationName?: string;
}

export interface EventBridge {
  stop(): Promise<void>;
  /**
   * Per feed, the highest id published — or, before anything was, the table's maximum when the bridge started
   * (older rows are history: subscribers get them with `since`).
   */
  lastDelivered(): { dpd: string; par: string };
  /** Whether the LISTEN connection is up (events flow live) and since when. */
  listenerState(): ListenerState;
}

/** Delivers one feed's ids in order; at most one read runs at a time. */
class FeedPump {
  /** Undefined until the first connection has read the table's maximum (ids up to it predate this instance). */
  last: bigint | undefined;
  private target = 0n;
  private running: Promise<void> | undefined;

  constructor(
    private readonly spec: FeedSpec,
    private readonly client: () => pg.Client | undefined,
    private readonly pubSub: AppPubSub,
    private readonly log: EventBridgeOptions['log'],
    private readonly stopping: () => boolean,
  ) {}

  /** Asks for every id up to `upTo` to be delivered. */
  request(upTo: bigint): void {
    if (upTo > this.target) this.target = upTo;
    this.kick();
  }

  /** Resolves when no read is running; rethrows the failure of the run it waited for. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || this.last === undefined || this.last >= this.target) return;
    const run = this.run();
    this.running = run;
    run.then(
      () => {
        this.running = undefined;
        // A notification may have raised the target while the last page was being read.
        if (this.client()) this.kick();
      },
      (error: unknown) => {
        this.running = undefined;
        if (this.stopping()) return; // the connection was ended on purpose
        this.log.warn({ err: error, feed: this.spec.name }, 'reading new events failed; reconnecting to catch up');
        // Not retried here (that could spin on a dead connection): ending the connection makes the listener
        // reconnect with back-off, and its catch-up resumes from `last`.
        this.client()?.end().catch(() => undefined);
      },
    );
  }

  private async run(): Promise<void> {
    const { table, idColumn, topic } = this.spec;
    while (this.last !== undefined && this.last < this.target) {
      const client = this.client();
      if (!client) return; // the reconnect catches up
      const upTo = this.target;
      const { rows } = await client.query<{ id: string }>(
        `SELECT ${idColumn}::text AS id FROM ${table} WHERE ${idColumn} > $1::bigint AND ${idColumn} <= $2::bigint ORDER BY ${idColumn} LIMIT ${PAGE_SIZE}`,
        [this.last.toString(), upTo.toString()],
      );
      for (const row of rows) {
        this.pubSub.publish(topic, { id: row.id });
        this.last = BigInt(row.id);
      }
      // A short page read everything committed up to `upTo`. A notified id is committed (NOTIFY is sent at commit),
      // so it is the last row read, unless the NOTIFY did not come from the trigger: `last` stays on the last row
      // read, or every id up to the bogus one, committed later, would be skipped.
      if (rows.length < PAGE_SIZE && this.last < upTo && this.target === upTo) {
        this.log.warn({ feed: this.spec.name, notified: upTo.toString(), latest: this.last.toString() }, 'NOTIFY named an id the table does not hold; skipped');
        this.target = this.last;
      }
    }
  }
}

/** Connects the LISTEN client and starts publishing; rejects when the first connection or read fails. */
export async function startEventBridge(options: EventBridgeOptions): Promise<EventBridge> {
  const { log } = options;
  let listener: PgListener | undefined = undefined;
  let stopping = false;
  const current = () => listener?.current();
  const pumps = new Map(FEEDS.map((spec) => [spec.channel, new FeedPump(spec, current, options.pubSub, log, () => stopping)]));

  listener = new PgListener({
    url: options.metricsUrl,
    channels: FEEDS.map((feed) => feed.channel),
    log,
    reconnect: options.reconnect,
    heartbeat: options.heartbeat,
    connectTimeoutMs: options.connectTimeoutMs,
    applicationName: options.applicationName,
    onNotification(channel, payload) {
      const pump = pumps.get(channel);
      if (!pump) return;
      if (payload === undefined || !ID_PAYLOAD.test(payload) || BigInt(payload) > MAX_BIGINT) {
        log.warn({ channel, payload }, 'malformed NOTIFY payload skipped (expected a positive integer id)');
        return;
      }
      pump.request(BigInt(payload));
    },
    async onConnected(client, { reconnect }) {
      for (const spec of FEEDS) {
        const { rows } = await client.query<{ max: string }>(`SELECT coalesce(max(${spec.idColumn}), 0)::text AS max FROM ${spec.table}`);
        const max = BigInt(rows[0]!.max);
        const pump = pumps.get(spec.channel)!;
        if (pump.last === undefined) pump.last = max;
        if (reconnect) log.info({ feed: spec.name, from: pump.last.toString(), to: max.toString() }, 'catching up after reconnect');
        pump.request(max);
      }
      for (const pump of pumps.values()) await pump.idle();
    },
  });
  await listener.start();

  return {
    async stop() {
      stopping = true;
      await listener.stop();
      for (const pump of pumps.values()) await pump.idle().catch(() => undefined);
    },
    lastDelivered() {
      const [dpd, par] = FEEDS.map((spec) => (pumps.get(spec.channel)!.last ?? 0n).toString());
      return { dpd: dpd!, par: par! };
    },
    listenerState: () => listener.state(),
  };
}
