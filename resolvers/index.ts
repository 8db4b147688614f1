/** The resolver classes of every query and field except the live feeds' (resolvers/live.ts); src/schema.ts builds the schema from both. */
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
