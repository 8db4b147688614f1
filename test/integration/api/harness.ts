/**
 * Test harness of the GraphQL API: fresh databases, the real schema, a context per operation, and seeding that
 * writes Django rows as Django would (djangoWriter) and seedsmetrics rows directly with chosen computed values
 * (no dependency on the sync worker or the engine).
 */
import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createContextFactory, type AppContext } from '../../../src/context';
import { createAppPubSub } from '../../../src/events/pubsub';
import { buildAppSchema } from '../../../src/schema';
import { createTestDatabases, type TestDatabases } from '../../support/databases';

export interface ApiHarness {
  dbs: TestDatabases;
  schema: GraphQLSchema;
  newContext(): AppContext;
  run<T = Record<string, unknown>>(source: string, variableValues?: Record<string, unknown>): Promise<ExecutionResult<T>>;
  /** Runs and fails the test on any GraphQL error. */
  data<T = Record<string, any>>(source: string, variableValues?: Record<string, unknown>): Promise<T>;
}

export const MAX_PAGE_SIZE = 500;

export async function createApiHarness(): Promise<ApiHarness> {
  const dbs = await createTestDatabases();
  const schema = await buildAppSchema({ pubSub: createAppPubSub() });
  const factory = createContextFactory({ django: dbs.django, metrics: dbs.metrics, maxPageSize: MAX_PAGE_SIZE });
  const run = <T>(source: string, variableValues?: Record<string, unknown>) =>
    graphql({ schema, source, variableValues, contextValue: factory(null) }) as Promise<ExecutionResult<T>>;
  return {
    dbs,
    schema,
    newContext: () => factory(null),
    run,
    data: async <T>(source: string, variableValues?: Record<string, unknown>) => {
      const result = await run<T>(source, variableValues);
      if (result.errors !== undefined) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors.map((e) => ({ message: e.message, path: e.path, cause: e.originalError?.message })))}`);
      return result.data as T;
    },
  };
}

/**
 * One officer (Django user 31, Amaka, curated to Ruby/YABA) and one borrower (Django customer 1, Bola Ade) in both
 * databases, for tests that write a few loans of their own between them.
 */
export async function seedOfficerAndBorrower(dbs: TestDatabases): Promise<void> {
  await dbs.djangoWriter.query(`
    INSERT INTO accounts_customuser (id, email, username, user_type) VALUES (31, 'a@seeds.test', 'Amaka', 'STAFF_AGENT');
    INSERT INTO ajo_ajouser (id, first_name, last_name, phone_number) VALUES (1, 'Bola', 'Ade', '07000000001')`);
  await dbs.metrics.pool.query(`
    INSERT INTO officers (officer_id, officer_name, region, branch, user_type) VALUES ('31', 'Amaka', 'Ruby', 'YABA', 'STAFF_AGENT');
    INSERT INTO customers (customer_id, customer_name) VALUES ('1', 'Bola Ade')`);
}

export interface PortfolioShape {
  officers: number;
  loansPerOfficer: number;
  customers: number;
  /** Loans of these (1-based) officer numbers stay out of seedsmetrics (not synced yet). */
  unsyncedLoanIds?: number[];
}

/** Loan id of the i-th loan (1-based) of officer o. */
export const loanIdOf = (officer: number, i: number): number => officer * 1000 + i;

/**
 * A deterministic portfolio in both databases: officers 1..n (STAFF_AGENT, curated regions Ruby/Sapphire),
 * customers 1..k, and loansPerOfficer loans per officer whose computed values vary with (officer, i), with ties
 * on disbursement date and DPD so keyset paging must rely on the id tie-breaker.
 */
export async function seedPortfolio(dbs: TestDatabases, shape: PortfolioShape): Promise<void> {
  const { officers: n, loansPerOfficer: m, customers: k } = shape;
  await dbs.djangoWriter.query(
    `INSERT INTO accounts_customuser (id, email, username, user_phone, user_branch, user_type, performance_status, date_joined)
     SELECT g, 'officer' || g || '@seeds.test', 'Officer ' || lpad(g::text, 4, '0'), '0800' || lpad(g::text, 7, '0'),
            'Django Branch ' || (g % 3), 'STAFF_AGENT', CASE WHEN g % 7 = 0 THEN 'Suspended' ELSE 'Active' END,
            timestamptz '2025-06-01 23:30:00+00' + (g || ' days')::interval
       FROM generate_series(1, $1::int) g`,
    [n],
  );
  await dbs.djangoWriter.query(
    `INSERT INTO ajo_ajouser (id, user_id, first_name, last_name, phone_number, dob, gender, state, lga, address, bvn_verified, onboarding_verified)
     SELECT g, NULL, 'First' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'Last' || g END, '0901' || lpad(g::text, 7, '0'),
            date '1990-01-01' + g, CASE WHEN g % 2 = 0 THEN 'F' ELSE 'M' END, 'Lagos', 'Ikeja', g || ' Allen Avenue',
            g % 3 <> 0, g % 3 = 1
       FROM generate_series(1, $1::int) g`,
    [k],
  );
  await dbs.djangoWriter.query(
    `INSERT INTO loans_ajoloan (id, agent_id, borrower_id, amount, repayment_amount, interest_rate, processing_fee, tenor_in_days,
                                is_disbursed, date_disbursed, start_date, end_date, status, performance_status, loan_type, verification_stage)
     SELECT o * 1000 + i, o, ((o * 31 + i) % $3::int) + 1,
            (50000 + i * 1000)::float8 + 0.1, ((50000 + i * 1000) * 1.3 + 2000)::float8 + 0.13, 30.0, 2000.0, 30,
            true, timestamptz '2025-11-03 08:15:00+00' + ((i % 5) || ' days')::interval,
            date '2025-11-04' + (i % 5), date '2025-12-15' + (i % 5),
            (ARRAY['OPEN', 'PAST_MATURITY', 'COMPLETED', 'OPEN_TO_SUPERVISOR'])[1 + i % 4],
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'PERFORMING' END, 'AJO', CASE WHEN i % 2 = 0 THEN 'VERIFIED' ELSE NULL END
       FROM generate_series(1, $1::int) o, generate_series(1, $2::int) i`,
    [n, m, k],
  );
  await dbs.metrics.pool.query(
    `INSERT INTO officers (officer_id, officer_name, officer_phone, officer_email, region, branch, user_type, hire_date,
                           supervisor_name, supervisor_email, vertical_lead_name, vertical_lead_email, hierarchy_curated)
     SELECT g::text, 'Officer ' || lpad(g::text, 4, '0'), '0800' || lpad(g::text, 7, '0'), 'officer' || g || '@seeds.test',
            CASE WHEN g % 2 = 0 THEN 'Ruby' ELSE 'Sapphire' END, CASE WHEN g % 3 = 0 THEN 'YABA' ELSE 'EPE' END, 'STAFF_AGENT',
            date '2025-06-02' + g, 'Supervisor ' || (g % 4), 'sup' || (g % 4) || '@seeds.test',
            'Lead ' || (g % 2), 'lead' || (g % 2) || '@seeds.test', true
       FROM generate_series(1, $1::int) g`,
    [n],
  );
  await dbs.metrics.pool.query(
    `INSERT INTO customers (customer_id, customer_name, customer_phone)
     SELECT g::text, 'First' || g || ' Last' || g, '0901' || lpad(g::text, 7, '0') FROM generate_series(1, $1::int) g`,
    [k],
  );
  await dbs.metrics.pool.query(
    `INSERT INTO loans (loan_id, customer_id, customer_name, customer_phone, officer_id, officer_name, region, branch,
                        vertical_lead_name, vertical_lead_email, loan_amount, repayment_amount, disbursement_date,
                        first_payment_due_date, maturity_date, loan_term_days, interest_rate, fee_amount, channel, status,
                        django_status, performance_status, loan_type, verification_status, wave,
                        current_dpd, previous_dpd, max_dpd_ever, dpd_bucket, first_payment_missed, first_payment_received_date,
                        last_payment_date, principal_outstanding, interest_outstanding, fees_outstanding, total_outstanding,
                        actual_outstanding, total_principal_paid, total_interest_paid, total_fees_paid, total_repayments,
                        fimr_tagged, early_indicator_tagged, days_since_last_repayment, days_since_due, loan_age,
                        daily_repayment_amount, repayment_days_paid, repayment_days_due_today, real_loan_tenure_days,
                        business_days_since_disbursement, repayment_delay_rate, timeliness_score, repayment_health,
                        counted_repayments_count, computed_as_of)
     SELECT x.loan_id::text, x.customer_id::text, 'First' || x.customer_id || ' Last' || x.customer_id, '0901' || lpad(x.customer_id::text, 7, '0'),
            x.o::text, 'Officer ' || lpad(x.o::text, 4, '0'), CASE WHEN x.o % 2 = 0 THEN 'Ruby' ELSE 'Sapphire' END,
            CASE WHEN x.o % 3 = 0 THEN 'YABA' ELSE 'EPE' END, 'Lead ' || (x.o % 2), 'lead' || (x.o % 2) || '@seeds.test',
            x.amount, round(x.amount * 1.3 + 2000, 2) + 0.13, date '2025-11-03' + (x.i % 5), date '2025-11-04' + (x.i % 5),
            date '2025-12-15' + (x.i % 5), 30, 0.3000, 2000.00, 'AJO',
            (ARRAY['Active', 'Defaulted', 'Closed', 'Active'])[1 + x.i % 4],
            (ARRAY['OPEN', 'PAST_MATURITY', 'COMPLETED', 'OPEN_TO_SUPERVISOR'])[1 + x.i % 4],
            CASE WHEN x.i % 3 = 0 THEN NULL ELSE 'PERFORMING' END, 'AJO', CASE WHEN x.i % 2 = 0 THEN 'VERIFIED' ELSE NULL END,
            CASE WHEN x.i % 2 = 0 THEN 'Wave 2' ELSE 'Wave 1' END,
            x.dpd, GREATEST(x.dpd - 1, 0), x.dpd + (x.i % 3),
            CASE WHEN x.dpd = 0 THEN '0' WHEN x.dpd <= 6 THEN '1-6' WHEN x.dpd <= 30 THEN '7-30' ELSE '31-60' END,
            x.i % 4 = 1, CASE WHEN x.i % 4 = 1 THEN NULL ELSE date '2025-11-04' + (x.i % 5) END,
            CASE WHEN x.i % 4 = 1 THEN NULL ELSE date '2025-12-01' + (x.i % 7) END,
            x.amount - x.paid, round(x.amount * 0.3, 2), 2000.00 - (x.i % 3) * 100, x.amount * 1.3 + 2000 - x.paid,
            round(x.dpd * 1400.57, 2), x.paid, 0, 0, x.paid,
            x.i % 4 = 1, x.dpd BETWEEN 1 AND 6, CASE WHEN x.i % 4 = 1 THEN NULL ELSE x.i % 9 END, 30 + x.i % 5, 37 + x.i % 5,
            round((x.amount * 1.3 + 2000) / 30, 2), round(x.paid * 30 / (x.amount * 1.3 + 2000), 2), 27, 31, 28,
            round(100 - x.dpd * 7.25, 2), 50 + x.i % 40, 40 + x.dpd % 50, 3, date '2025-12-10'
       FROM (SELECT o, i, o * 1000 + i AS loan_id, ((o * 31 + i) % $3::int) + 1 AS customer_id,
                    (50000 + i * 1000)::numeric + 0.10 AS amount, (i * 1500 + o * 10)::numeric AS paid,
                    (o * 7 + i * 3) % 40 AS dpd
               FROM generate_series(1, $1::int) o, generate_series(1, $2::int) i) x
      WHERE NOT (x.loan_id = ANY($4::int[]))`,
    [n, m, k, shape.unsyncedLoanIds ?? []],
  );
}
