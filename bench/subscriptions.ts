/**
 * Live-feed figures: N graphql-ws subscribers to dpdTransitioned on one gateway instance.
 *
 * 1. NOTIFY → client: transitions inserted straight into seedsmetrics dpd_transitions (the engine's trigger
 *    NOTIFYs their ids at commit); latency = client receipt − the moment the INSERT was sent (so it includes
 *    the commit), for every (subscriber, event) pair.
 * 2. Django commit → client: repayments committed into Django that clear the arrears of loans in bucket 1-6,
 *    picked up by the gateway's own sync worker at its interval, recomputed, NOTIFYed and delivered;
 *    latency = client receipt − Django COMMIT returned.
 * Missed events = expected (subscriber, event) pairs never received. The clients run in the bench process,
 * on the same 2 cores as the gateway and PostgreSQL, so their own JSON parsing is part of the latency.
 */
import fs from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { percentile } from './load';

export interface SubscriptionOptions {
  wsUrl: string;
  djangoUrl: string;
  metricsUrl: string;
  asOf: string;
  subscribers: number;
  transitions: number;
  /** Milliseconds between two inserted transitions. */
  transitionSpacingMs: number;
  djangoCommits: number;
  djangoSpacingMs: number;
  /** The gateway's pid, to report the CPU time it spent delivering. */
  gatewayPid: number;
  log: (line: string) => void;
}

export interface LatencySummary {
  events: number;
  /** From the first event sent to the last delivery (ms), and the deliveries per second over it. */
  spanMs: number;
  deliveriesPerSecond: number;
  /** CPU used over the phase by the gateway process and by the bench process (the 1,000 clients), in ms. */
  gatewayCpuMs: number;
  clientsCpuMs: number;
  deliveries: number;
  missed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SubscriptionFigures {
  subscribers: number;
  connectedSubscribers: number;
  /** Time for every subscriber to receive the probe event (subscriptions active). */
  readyMs: number;
  notifyToClient: LatencySummary;
  djangoCommitToClient: LatencySummary & { syncIntervalMs: number };
}

const SUBSCRIPTION = `subscription Feed {
  dpdTransitioned { id at fromBucket toBucket dpdBefore dpdAfter actualOutstanding
    loan { id currentDpd dpdBucket actualOutstanding customer { id name } }
    officer { id name branch } }
}`;

interface Receipt {
  id: string;
  loanId: string | null;
  at: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * Waits until `done()` or until the number of receipts stops growing for `quietMs` (the backlog has drained and
 * nothing more is coming), bounded by `maxMs`. Returns how long it waited.
 */
async function waitForDelivery(done: () => boolean, receipts: Receipt[][], quietMs: number, maxMs: number): Promise<number> {
  const started = Date.now();
  let last = -1;
  let lastChange = Date.now();
  while (!done() && Date.now() - started < maxMs) {
    const total = receipts.reduce((n, list) => n + list.length, 0);
    if (total !== last) {
      last = total;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > quietMs) break;
    await sleep(100);
  }
  return Date.now() - started;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface PhaseCost {
  spanMs: number;
  gatewayCpuMs: number;
  clientsCpuMs: number;
}

function summarise(latencies: number[], events: number, expected: number, cost: PhaseCost): LatencySummary {
  const sorted = latencies.sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 100) / 100;
  return {
    events,
    spanMs: Math.round(cost.spanMs),
    deliveriesPerSecond: Math.round(sorted.length / (cost.spanMs / 1000)),
    gatewayCpuMs: cost.gatewayCpuMs,
    clientsCpuMs: cost.clientsCpuMs,
    deliveries: sorted.length,
    missed: expected - sorted.length,
    p50Ms: r(percentile(sorted, 50)),
    p95Ms: r(percentile(sorted, 95)),
    p99Ms: r(percentile(sorted, 99)),
    maxMs: r(sorted[sorted.length - 1] ?? NaN),
  };
}

export async function measureSubscriptions(options: SubscriptionOptions): Promise<SubscriptionFigures> {
  const receipts: Receipt[][] = Array.from({ length: options.subscribers }, () => []);
  const clients: Client[] = [];
  let connected = 0;
  const metrics = new pg.Client({ connectionString: options.metricsUrl, application_name: 'bench/transitions' });
  const django = new pg.Client({ connectionString: options.djangoUrl, application_name: 'bench/django-writer' });
  metrics.on('error', () => undefined);
  django.on('error', () => undefined);
  await Promise.all([metrics.connect(), django.connect()]);
  try {
    for (let i = 0; i < options.subscribers; i += 1) {
      const client = createClient({ url: options.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, on: { connected: () => (connected += 1) } });
      clients.push(client);
      client.subscribe<{ dpdTransitioned: { id: string; loan: { id: string } | null } }>(
        { query: SUBSCRIPTION },
        {
          next: (value) => {
            const event = value.data?.dpdTransitioned;
            if (event) receipts[i]!.push({ id: event.id, loanId: event.loan?.id ?? null, at: performance.now() });
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
      // Open sockets in small groups so the gateway's accept queue and the handshakes keep up.
      if (i % 50 === 49) await sleep(20);
    }
    await waitFor(() => connected === options.subscribers, 60_000);
    options.log(`${connected}/${options.subscribers} subscribers connected`);

    const sample = await metrics.query<{ loan_id: string }>(`SELECT loan_id FROM loans ORDER BY md5(loan_id) LIMIT $1`, [options.transitions + 1]);
    const insertTransition = async (loanId: string): Promise<{ id: string; sentAt: number }> => {
      const sentAt = performance.now();
      const { rows } = await metrics.query<{ id: string }>(
        `INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket, dpd_before, dpd_after, outstanding_balance)
         SELECT loan_id, officer_id, branch, region, $2::date, '1-6', '7-30', 6, 7, COALESCE(actual_outstanding, 0) FROM loans WHERE loan_id = $1
         RETURNING transition_id::text AS id`,
        [loanId, options.asOf],
      );
      return { id: rows[0]!.id, sentAt };
    };

    // Probe: the subscriptions are live once every subscriber has received one event.
    const probeStarted = performance.now();
    const probe = await insertTransition(sample.rows[0]!.loan_id);
    const allGotProbe = await waitFor(() => receipts.every((list) => list.some((r) => r.id === probe.id)), 120_000);
    const readyMs = Math.round(performance.now() - probeStarted);
    options.log(`probe delivered to ${receipts.filter((list) => list.some((r) => r.id === probe.id)).length}/${options.subscribers} subscribers in ${readyMs} ms${allGotProbe ? '' : ' (timed out)'}`);

    // 1. NOTIFY → client.
    const sent = new Map<string, number>();
    let phaseStart = performance.now();
    let gatewayCpu = cpuMsOf(options.gatewayPid);
    let clientsCpu = process.cpuUsage();
    for (let k = 1; k <= options.transitions; k += 1) {
      const { id, sentAt } = await insertTransition(sample.rows[k % sample.rows.length]!.loan_id);
      sent.set(id, sentAt);
      await sleep(options.transitionSpacingMs);
    }
    await waitForDelivery(() => receipts.every((list) => list.filter((r) => sent.has(r.id)).length >= sent.size), receipts, 15_000, 300_000);
    const lastNotify = Math.max(...receipts.flatMap((list) => list.filter((r) => sent.has(r.id)).map((r) => r.at)));
    const notifyCost = { spanMs: lastNotify - phaseStart, gatewayCpuMs: cpuMsOf(options.gatewayPid) - gatewayCpu, clientsCpuMs: Math.round((process.cpuUsage(clientsCpu).user + process.cpuUsage(clientsCpu).system) / 1000) };
    const notifyLatencies: number[] = [];
    for (const list of receipts) {
      const seen = new Set<string>();
      for (const r of list) {
        const t0 = sent.get(r.id);
        if (t0 !== undefined && !seen.has(r.id)) {
          seen.add(r.id);
          notifyLatencies.push(r.at - t0);
        }
      }
    }
    const notifyToClient = summarise(notifyLatencies, sent.size, sent.size * options.subscribers, notifyCost);
    options.log(
      `NOTIFY → client: p50 ${notifyToClient.p50Ms} ms, p99 ${notifyToClient.p99Ms} ms, missed ${notifyToClient.missed}; ` +
        `${notifyToClient.deliveriesPerSecond} deliveries/s; CPU gateway ${notifyToClient.gatewayCpuMs} ms, clients ${notifyToClient.clientsCpuMs} ms`,
    );

    // 2. Django commit → client, through the gateway's sync worker.
    const candidates = await metrics.query<{ loan_id: string; amount: string }>(
      `SELECT loan_id, (COALESCE(actual_outstanding, 0) + COALESCE(daily_repayment_amount, 0) + 1)::text AS amount
         FROM loans WHERE current_dpd BETWEEN 1 AND 6 AND status = 'Active' AND maturity_date > $1::date
        ORDER BY md5(loan_id) LIMIT $2`,
      [options.asOf, options.djangoCommits],
    );
    const committed = new Map<string, number>();
    phaseStart = performance.now();
    gatewayCpu = cpuMsOf(options.gatewayPid);
    clientsCpu = process.cpuUsage();
    for (const row of candidates.rows) {
      await django.query(
        `INSERT INTO loans_ajoloanrepayment (ajo_loan_id, agent_id, borrower_id, paid_date, repayment_amount, repayment_type, created_at, updated_at)
         SELECT id, agent_id, borrower_id, ($2::date + time '10:00') AT TIME ZONE 'Africa/Lagos', $3::float8, 'TRANSFER', now(), now()
           FROM loans_ajoloan WHERE id = $1::bigint`,
        [row.loan_id, options.asOf, row.amount],
      );
      committed.set(row.loan_id, performance.now());
      // Spacing with a varying remainder, so commits land at every phase of the sync interval.
      await sleep(options.djangoSpacingMs + ((committed.size * 373) % 1000));
    }
    const isDjangoEvent = (r: Receipt): boolean => r.loanId !== null && committed.has(r.loanId) && !sent.has(r.id) && r.id !== probe.id;
    await waitForDelivery(() => receipts.every((list) => new Set(list.filter(isDjangoEvent).map((r) => r.loanId)).size >= committed.size), receipts, 15_000, 300_000);
    const lastDjango = Math.max(...receipts.flatMap((list) => list.filter(isDjangoEvent).map((r) => r.at)));
    const djangoCost = { spanMs: lastDjango - phaseStart, gatewayCpuMs: cpuMsOf(options.gatewayPid) - gatewayCpu, clientsCpuMs: Math.round((process.cpuUsage(clientsCpu).user + process.cpuUsage(clientsCpu).system) / 1000) };
    const djangoLatencies: number[] = [];
    for (const list of receipts) {
      const seen = new Set<string>();
      for (const r of list) {
        if (r.loanId === null || sent.has(r.id) || r.id === probe.id) continue;
        const t0 = committed.get(r.loanId);
        if (t0 !== undefined && !seen.has(r.loanId)) {
          seen.add(r.loanId);
          djangoLatencies.push(r.at - t0);
        }
      }
    }
    const djangoCommitToClient = { ...summarise(djangoLatencies, committed.size, committed.size * options.subscribers, djangoCost), syncIntervalMs: 2000 };
    options.log(
      `Django commit → client: p50 ${djangoCommitToClient.p50Ms} ms, p99 ${djangoCommitToClient.p99Ms} ms, missed ${djangoCommitToClient.missed}; ` +
        `CPU gateway ${djangoCommitToClient.gatewayCpuMs} ms, clients ${djangoCommitToClient.clientsCpuMs} ms`,
    );
    return { subscribers: options.subscribers, connectedSubscribers: connected, readyMs, notifyToClient, djangoCommitToClient };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([metrics.end(), django.end()]);
  }
}
