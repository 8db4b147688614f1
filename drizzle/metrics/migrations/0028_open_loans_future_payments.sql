-- The daily recompute also takes a closed loan whose counted payments include one dated after the business date it
-- was last computed at: a loan closed by a payment made just after local midnight, copied by a cycle that began
-- before it (the batch computes as of the cycle's date, which leaves out payments dated later), or a payment Django
-- dates ahead. Such a loan kept its outstanding balance, DPD and PAR share without that payment for good, since
-- only open loans are recomputed each day; now it is recomputed on the first business date that counts the payment
-- (and on each date before it, when Django dates the payment further ahead: a few loans at most).
CREATE OR REPLACE FUNCTION open_loan_ids() RETURNS SETOF varchar
LANGUAGE sql STABLE AS $fn$
  SELECT l.loan_id FROM loans l
   WHERE upper(l.status) NOT IN ('CLOSED', 'REJECTED', 'CANCELLED') OR l.computed_as_of IS NULL
      OR EXISTS (SELECT 1 FROM repayments r WHERE r.is_counted AND r.loan_id = l.loan_id AND r.payment_date > l.computed_as_of)
$fn$;
