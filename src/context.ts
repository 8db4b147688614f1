/**
 * The per-request GraphQL context: who is asking (so authorisation can be added without touching resolvers),
 * fresh loaders (no cache shared between requests or between live events; only identical whole-portfolio reads running
 * at the same time are run once, loaders/shared-reads.ts) and the page-size limit.
 */
import type { Databases } from './databases';
import { createLoaders, type Loaders } from '../loaders';
import type { SharedReads } from '../loaders/shared-reads';

export interface Viewer {
  id: string;
  roles: string[];
}

export interface AppContext {
  viewer: Viewer | null;
  loaders: Loaders;
  /** Largest `first` a connection accepts. */
  maxPageSize: number;
  /** The HTTP request's id (src/request-id.ts), for the log lines about it; absent over graphql-ws. */
  requestId?: string;
}

export interface ContextDeps {
  django: Databases['django'];
  metrics: Databases['metrics'];
  maxPageSize: number;
  /** IANA zone of business dates. @default "Africa/Lagos" */
  businessTz?: string;
  /** DataLoader batching (GRAPHQL_BATCHING); false only for the naive-resolver benchmark. @default true */
  batching?: boolean;
  /** Shared by every request's loaders: identical whole-portfolio reads running at once run once (loaders/shared-reads.ts). */
  sharedReads?: SharedReads;
}

/** Returns a function that builds one context; call it once per request (or per live event). */
export function createContextFactory(deps: ContextDeps): (viewer: Viewer | null) => AppContext {
  return (viewer) => ({
    viewer,
    loaders: createLoaders({ django: deps.django, metrics: deps.metrics, businessTz: deps.businessTz, batching: deps.batching, sharedReads: deps.sharedReads }),
    maxPageSize: deps.maxPageSize,
  });
}
