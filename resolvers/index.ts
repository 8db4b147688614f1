/** The query-side resolver classes of the schema (owned by the GraphQL API work). */
import type { NonEmptyArray } from 'type-graphql';
import { CollectionsResolver } from './collections.resolver';
import { CustomerConnectionResolver, LoanConnectionResolver, OfficerConnectionResolver } from './connection.resolver';
import { CustomerResolver } from './customer.resolver';
import { FilterOptionsResolver } from './filter-options.resolver';
import { LoanResolver } from './loan.resolver';
import { MetaResolver } from './meta.resolver';
import { OfficerResolver } from './officer.resolver';
import { PortfolioResolver } from './portfolio.resolver';
import { RepaymentResolver } from './repayment.resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const coreResolvers: NonEmptyArray<Function> = [
  MetaResolver,
  OfficerResolver,
  CustomerResolver,
  LoanResolver,
  RepaymentResolver,
  LoanConnectionResolver,
  OfficerConnectionResolver,
  CustomerConnectionResolver,
  PortfolioResolver,
  CollectionsResolver,
  FilterOptionsResolver,
];
