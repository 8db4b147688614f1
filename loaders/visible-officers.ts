/** The dashboard-visible officer set VISIBLE_UT (§1.8): the user types most dashboard lists are restricted to. */
export const VISIBLE_USER_TYPES: readonly string[] = [
  'AGENT',
  'AJO_AGENT',
  'DMO_AGENT',
  'MERCHANT',
  'MERCHANT_AGENT',
  'MICRO_SAVER',
  'PERSONAL',
  'PROSPER_AGENT',
  'STAFF_AGENT',
];

/** SQL condition: the officer row aliased `alias` is in VISIBLE_UT (a NULL user type is visible). */
export function visibleOfficerSql(alias: string): string {
  return `(${alias}.user_type IS NULL OR ${alias}.user_type IN (${VISIBLE_USER_TYPES.map((t) => `'${t}'`).join(', ')}))`;
}
