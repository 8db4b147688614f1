/** The query-side resolver classes of the schema (owned by the GraphQL API work). */
import type { NonEmptyArray } from 'type-graphql';
import { CollectionsResolver } from './collections.resolver';
import { CustomerConnectionResolver, LoanConnectionResolver, OfficerConnectionResolver } from './connection.resolver';
import { CreditHealthResolver } from './credit-health.resolver';
import { CustomerResolver } from './customer.resolver';
import { FilterOptionsResolver } from './filter-options.resolver';
import { LoanResolver } from './loan.resolver';
import { MetaResolver } from './meta.resolver';
import { OfficerResolver } from './officer.resolver';
import { PortfolioKpiResolver } from './portfolio-kpi.resolver';
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
  PortfolioKpiResolver,
  CreditHealthResolver,
  CollectionsResolver,
  FilterOptionsResolver,
];
