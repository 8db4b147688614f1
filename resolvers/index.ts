/** The query-side resolver classes of the schema (owned by the GraphQL API work). */
import type { NonEmptyArray } from 'type-graphql';
import { MetaResolver } from './meta.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const coreResolvers: NonEmptyArray<Function> = [MetaResolver];
