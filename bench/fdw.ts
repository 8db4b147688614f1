/**
 * Variant (c), the design this project replaces: a postgres_fdw foreign schema of the Django database inside
 * seedsmetrics, and the seed design's three views over it (officers_live, customers_live, loans_base_live),
 * whose rows are joined with the local computed fields of `loans` at query time.
 *
 * The views are re-typed here from the seed design's description (migration 013 of the upstream system): the
 * same sources, filters, joins and derivations, with our Django fixture's column names (created_at/updated_at
 * where upstream wrote date_created/date_modified). The only tuning is the seed's own server options
 * (fetch_size 10000, use_remote_estimate) plus ANALYZE of the foreign tables, which the issue asks for.
 * Everything lives in two schemas of its own (django_fdw, fdw_design) so nothing touches the project's tables.
 */
import type pg from 'pg';

export interface FdwTarget {
  port: number;
  djangoDb: string;
  user: string;
  password: string;
}

const FOREIGN_TABLES = ['accounts_customuser', 'ajo_ajouser', 'loans_ajoloan', 'loans_ajoloanrepayment', 'loans_ajoloanschedule'] as const;

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export async function installFdwBaseline(pool: pg.Pool, target: FdwTarget): Promise<void> {
  await pool.query(`CREATE EXTENSION IF NOT EXISTS postgres_fdw`);
  await pool.query(`DROP SCHEMA IF EXISTS fdw_design CASCADE`);
  await pool.query(`DROP SCHEMA IF EXISTS django_fdw CASCADE`);
  await pool.query(`DROP SERVER IF EXISTS django_db CASCADE`);
  await pool.query(
    `CREATE SERVER django_db FOREIGN DATA WRAPPER postgres_fdw
       OPTIONS (host '127.0.0.1', port ${literal(String(target.port))}, dbname ${literal(target.djangoDb)},
                fetch_size '10000', use_remote_estimate 'true')`,
  );
  await pool.query(`CREATE USER MAPPING FOR CURRENT_USER SERVER django_db OPTIONS (user ${literal(target.user)}, password ${literal(target.password)})`);
  await pool.query(`CREATE SCHEMA django_fdw`);
  await pool.query(`IMPORT FOREIGN SCHEMA public LIMIT TO (${FOREIGN_TABLES.join(', ')}) FROM SERVER django_db INTO django_fdw`);
  await pool.query(`CREATE SCHEMA fdw_design`);

  // Officers: the six "officer user types", active users only; region guessed from the Django branch text.
  await pool.query(`
    CREATE VIEW fdw_design.officers_live AS
    SELECT u.id::varchar(50) AS officer_id,
           COALESCE(u.username, u.email) AS officer_name,
           u.user_phone AS officer_phone,
           u.email AS officer_email,
           u.user_branch AS branch,
           CASE WHEN u.user_branch LIKE '%Lagos%' THEN 'Lagos'
                WHEN u.user_branch LIKE '%Abuja%' THEN 'FCT'
                WHEN u.user_branch LIKE '%Kano%' THEN 'Kano'
                WHEN u.user_branch LIKE '%Ibadan%' THEN 'Oyo'
                WHEN u.user_branch LIKE '%Port Harcourt%' THEN 'Rivers'
                ELSE 'Nigeria' END AS region,
           CASE WHEN u.performance_status IN ('Inactive', 'Suspended') THEN 'Inactive' ELSE 'Active' END AS employment_status,
           u.date_joined::date AS hire_date,
           NULL::date AS termination_date,
           CASE WHEN u.user_type IN ('PROSPER_AGENT', 'DMO_AGENT') THEN 'Partner' ELSE 'Direct' END AS primary_channel,
           u.date_joined AS created_at,
           CURRENT_TIMESTAMP AS updated_at
      FROM django_fdw.accounts_customuser u
     WHERE u.user_type IN ('AGENT', 'STAFF_AGENT', 'PROSPER_AGENT', 'DMO_AGENT', 'AJO_AGENT', 'RECOVERY_AGENT')
       AND u.is_active = TRUE`);

  // Customers: onboarded borrowers, KYC status derived from the two verification flags.
  await pool.query(`
    CREATE VIEW fdw_design.customers_live AS
    SELECT c.id::varchar(50) AS customer_id,
           COALESCE(TRIM(c.first_name || ' ' || c.last_name), c.phone_number) AS customer_name,
           c.phone_number AS customer_phone,
           NULL::varchar AS customer_email,
           c.dob AS date_of_birth,
           c.gender, c.state, c.lga, c.address,
           CASE WHEN c.bvn_verified AND c.onboarding_verified THEN 'Verified'
                WHEN c.bvn_verified AND NOT c.onboarding_verified THEN 'Partial'
                ELSE 'Pending' END AS kyc_status,
           NULL::date AS kyc_verified_date,
           c.created_at, c.updated_at
      FROM django_fdw.ajo_ajouser c
     WHERE c.onboarding_complete = TRUE`);

  // Loan base fields (no computed fields): disbursed loans with officer and customer columns joined in.
  await pool.query(`
    CREATE VIEW fdw_design.loans_base_live AS
    SELECT l.id::varchar(50) AS loan_id,
           l.borrower_id::varchar(50) AS customer_id,
           l.borrower_full_name AS customer_name,
           l.borrower_phone_number AS customer_phone,
           l.agent_id::varchar(50) AS officer_id,
           o.officer_name, o.officer_phone, o.region, o.branch,
           c.state,
           l.amount_disbursed AS loan_amount,
           l.repayment_amount,
           l.date_disbursed::date AS disbursement_date,
           l.expected_end_date AS maturity_date,
           l.tenor_in_days AS loan_term_days,
           (l.interest_rate / 100.0)::numeric(5, 4) AS interest_rate,
           (COALESCE(l.processing_fee, 0) + COALESCE(l.nem_fee, 0))::numeric(15, 2) AS fee_amount,
           CASE WHEN l.loan_type IN ('BNPL', 'PROSPER', 'DMO') THEN 'Partner' ELSE 'Direct' END AS channel,
           NULL::varchar AS channel_partner,
           l.status,
           l.date_completed::date AS closed_date,
           'Wave 2'::varchar AS wave,
           l.created_at, l.updated_at
      FROM django_fdw.loans_ajoloan l
      LEFT JOIN fdw_design.officers_live o ON l.agent_id::varchar(50) = o.officer_id
      LEFT JOIN fdw_design.customers_live c ON l.borrower_id::varchar(50) = c.customer_id
     WHERE l.is_disbursed = TRUE`);

  // The fair tuning the issue allows: statistics for the foreign tables (without them the planner guesses).
  for (const table of FOREIGN_TABLES) await pool.query(`ANALYZE django_fdw.${table}`);
}

/** Sends the baseline's foreign tables through another port (the delay proxy of `--db-rtt-ms`); new FDW connections use it. */
export async function pointFdwAtPort(pool: pg.Pool, port: number): Promise<void> {
  await pool.query(`ALTER SERVER django_db OPTIONS (SET port ${literal(String(port))})`);
}
