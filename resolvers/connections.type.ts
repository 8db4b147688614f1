/**
 * Relay connections of loans, officers and customers. Besides its page, a connection remembers the question that
 * produced it (hidden from the schema) so totalCount and summary are computed only when asked.
 */
import { Field, Int, ObjectType } from 'type-graphql';
import type { LoanFilter } from '../loaders/loan-filter';
import type { LoanParent } from '../loaders/loan-page.metrics';
import type { LoanSummaryField } from '../loaders/loan-summary.metrics';
import type { RepaymentPeriod } from '../loaders/repayment-period';
import type { OfficerFilter } from '../loaders/officer.metrics';
import type { CustomerListFilter } from '../loaders/customer.django';
import { Customer } from './customer.type';
import { Loan } from './loan.type';
import { Officer } from './officer.type';
import { PageInfo } from './pagination';

@ObjectType({ description: 'A loan with its cursor.' })
export class LoanEdge {
  constructor(
    node: Loan,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String, { description: 'Opaque position of this loan in its list and order: pass it as `after` to read on from here.' })
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Loan, { description: 'The loan.' })
  readonly node: Loan;
}

/** The question a loan list answers. */
export interface LoanListQuestion {
  parent: LoanParent | null;
  /** '' for the root list. */
  parentId: string;
  filter: LoanFilter;
  period: RepaymentPeriod;
  /**
   * Root lists: the summary fields the query asks of this connection (totalLoans too when it asks totalCount, which
   * the summary statement then answers), so summary and count cost one statement. Undefined: no summary asked.
   */
  summaryFields?: readonly LoanSummaryField[];
}

@ObjectType({ description: 'A page of loans (Relay connection).' })
export class LoanConnection {
  question: LoanListQuestion;

  @Field(() => [LoanEdge], { description: 'The page with each item\'s cursor.' })
  edges: LoanEdge[];

  @Field(() => [Loan], { description: 'The page\'s items alone (no cursors): the cheaper way to read a page.' })
  nodes: Loan[];

  @Field(() => PageInfo, { description: 'Where the page sits in its list.' })
  pageInfo: PageInfo;
}

@ObjectType({ description: 'An officer with its cursor.' })
export class OfficerEdge {
  constructor(
    node: Officer,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String, { description: 'Opaque position of this officer in its list and order: pass it as `after` to read on from here.' })
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Officer, { description: 'The officer.' })
  readonly node: Officer;
}

@ObjectType({ description: 'A page of officers (Relay connection).' })
export class OfficerConnection {
  filter: OfficerFilter;

  @Field(() => [OfficerEdge], { description: 'The page with each item\'s cursor.' })
  edges: OfficerEdge[];

  @Field(() => [Officer], { description: 'The page\'s items alone (no cursors): the cheaper way to read a page.' })
  nodes: Officer[];

  @Field(() => PageInfo, { description: 'Where the page sits in its list.' })
  pageInfo: PageInfo;
}

@ObjectType({ description: 'A customer with its cursor.' })
export class CustomerEdge {
  constructor(
    node: Customer,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String, { description: 'Opaque position of this customer in its list and order: pass it as `after` to read on from here.' })
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Customer, { description: 'The customer.' })
  readonly node: Customer;
}

/** The question a customer list answers: the root list's filter, or an officer's customers. */
export type CustomerListQuestion = { kind: 'root'; filter: CustomerListFilter } | { kind: 'officer'; officerId: string };

@ObjectType({ description: 'A page of customers (Relay connection).' })
export class CustomerConnection {
  question: CustomerListQuestion;

  @Field(() => [CustomerEdge], { description: 'The page with each item\'s cursor.' })
  edges: CustomerEdge[];

  @Field(() => [Customer], { description: 'The page\'s items alone (no cursors): the cheaper way to read a page.' })
  nodes: Customer[];

  @Field(() => PageInfo, { description: 'Where the page sits in its list.' })
  pageInfo: PageInfo;
}

@ObjectType({ description: 'A loan with its §4.6 risk score.' })
export class TopRiskLoan {
  @Field(() => Loan, { description: 'The loan.' })
  loan: Loan;

  @Field(() => Int, { description: 'DPD, outstanding, FIMR, max-DPD and age points.' })
  riskScore: number;

  @Field(() => String, { description: 'Critical (≥ 80), High (≥ 60), Medium (≥ 40) or Low.' })
  riskCategory: string;
}
