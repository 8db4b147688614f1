/**
 * Relay connections of loans, officers and customers. Besides its page, a connection remembers the question that
 * produced it (hidden from the schema) so totalCount and summary are computed only when asked.
 */
import { Field, Int, ObjectType } from 'type-graphql';
import type { LoanFilter } from '../loaders/loan-filter';
import type { LoanParent, LoanSummaryField, RepaymentPeriod } from '../loaders/loan-page.metrics';
import type { OfficerFilter } from '../loaders/officer.metrics';
import type { CustomerListFilter } from '../loaders/customer.django';
import { Customer } from './customer.type';
import { Loan } from './loan.type';
import { Officer } from './officer.type';
import { PageInfo } from './pagination';

@ObjectType()
export class LoanEdge {
  constructor(
    node: Loan,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String)
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Loan)
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

  @Field(() => [LoanEdge])
  edges: LoanEdge[];

  @Field(() => [Loan])
  nodes: Loan[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType()
export class OfficerEdge {
  constructor(
    node: Officer,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String)
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Officer)
  readonly node: Officer;
}

@ObjectType({ description: 'A page of officers (Relay connection).' })
export class OfficerConnection {
  filter: OfficerFilter;

  @Field(() => [OfficerEdge])
  edges: OfficerEdge[];

  @Field(() => [Officer])
  nodes: Officer[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType()
export class CustomerEdge {
  constructor(
    node: Customer,
    private readonly encodeCursor: () => string,
  ) {
    this.node = node;
  }

  /** Encoded only when a query asks for it: most pages are read through `nodes`. */
  @Field(() => String)
  get cursor(): string {
    return this.encodeCursor();
  }

  @Field(() => Customer)
  readonly node: Customer;
}

/** The question a customer list answers: the root list's filter, or an officer's customers. */
export type CustomerListQuestion = { kind: 'root'; filter: CustomerListFilter } | { kind: 'officer'; officerId: string };

@ObjectType({ description: 'A page of customers (Relay connection).' })
export class CustomerConnection {
  question: CustomerListQuestion;

  @Field(() => [CustomerEdge])
  edges: CustomerEdge[];

  @Field(() => [Customer])
  nodes: Customer[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType({ description: 'A loan with its §4.6 risk score.' })
export class TopRiskLoan {
  @Field(() => Loan)
  loan: Loan;

  @Field(() => Int, { description: 'DPD, outstanding, FIMR, max-DPD and age points.' })
  riskScore: number;

  @Field(() => String, { description: 'Critical (≥ 80), High (≥ 60), Medium (≥ 40) or Low.' })
  riskCategory: string;
}
