/** What a Django primary key looks like as text: a positive bigint's digits, without leading zeros. */

const ID_PATTERN = /^[1-9]\d{0,18}$/;
const MAX_BIGINT = 9223372036854775807n;

export function isDjangoId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value) && BigInt(value) <= MAX_BIGINT;
}
