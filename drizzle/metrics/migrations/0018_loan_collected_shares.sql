-- Both columns in one ALTER TABLE: adding a stored generated column rewrites the table, and one rewrite computes both.
ALTER TABLE "loans"
  ADD COLUMN "fees_collected" numeric GENERATED ALWAYS AS (CASE WHEN loan_amount * (1 + interest_rate) + fee_amount > 0 THEN total_repayments * fee_amount / (loan_amount * (1 + interest_rate) + fee_amount) END) STORED,
  ADD COLUMN "interest_collected" numeric GENERATED ALWAYS AS (CASE WHEN loan_amount * (1 + interest_rate) + fee_amount > 0 THEN total_repayments * loan_amount * interest_rate / (loan_amount * (1 + interest_rate) + fee_amount) END) STORED;
