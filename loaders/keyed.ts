/**
 * The one place that enforces DataLoader's contract: a batch function returns exactly one result per key,
 * in the keys' order, with null (or an empty list) for a key the database does not know.
 */
import DataLoader from 'dataloader';

/** Rows of a batch, one per key, in key order; a key without a row gets null. Duplicate rows keep the first. */
export function orderByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const byKey = new Map<K, R>();
  for (const row of rows) {
    const key = keyOf(row);
    if (!byKey.has(key)) byKey.set(key, row);
  }
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Rows of a batch grouped per key, in key order, each group in the rows' order; a key without rows gets []. */
export function groupByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const byKey = new Map<K, R[]>();
  for (const key of keys) byKey.set(key, []);
  for (const row of rows) byKey.get(keyOf(row))?.push(row);
  return keys.map((key) => byKey.get(key)!);
}

export interface LoaderOptions {
  maxBatchSize?: number;
  /** false: one fetch per key (the naive-resolver baseline of the benchmarks). @default true */
  batch?: boolean;
}

/** A per-request loader of at most one row per key (missing → null). */
export function keyedLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K, options: LoaderOptions = {}): DataLoader<K, R | null> {
  return new DataLoader<K, R | null>(async (keys) => orderByKey(keys, await fetch(keys), keyOf), { maxBatchSize: options.maxBatchSize, batch: options.batch ?? true });
}

/** A per-request loader of a list of rows per key (missing → []). */
export function groupedLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K, options: LoaderOptions = {}): DataLoader<K, R[]> {
  return new DataLoader<K, R[]>(async (keys) => groupByKey(keys, await fetch(keys), keyOf), { maxBatchSize: options.maxBatchSize, batch: options.batch ?? true });
}

/**
 * A stable text form of a loader's arguments (a filter, a page's arguments, a set of fields, a sort): equal values
 * give equal texts whatever the order of their object keys, and keys whose value is undefined are left out. Parents
 * that ask the same question share one loader (LoaderFamily) or one cached answer by it.
 */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Loaders that also take arguments (a page size, a filter): one DataLoader per distinct argument set, so a page
 * of parents asking the same question costs one batch. `signature` must be a stable string of the arguments (stableKey).
 */
export class LoaderFamily<A, K, V> {
  private readonly loaders = new Map<string, DataLoader<K, V>>();

  constructor(private readonly create: (args: A) => DataLoader<K, V>) {}

  forArgs(signature: string, args: A): DataLoader<K, V> {
    let loader = this.loaders.get(signature);
    if (loader === undefined) {
      loader = this.create(args);
      this.loaders.set(signature, loader);
    }
    return loader;
  }
}

/** Primes a by-id loader with rows fetched some other way (a foreign key, a page), without overwriting. */
export function primeAll<R>(loader: DataLoader<string, R | null>, rows: readonly R[], idOf: (row: R) => string): void {
  for (const row of rows) loader.prime(idOf(row), row);
}
