/** Money in the generator is integer kobo (exact); Django stores naira with 2 decimals in float8 columns. */

/** `123456` kobo → `"1234.56"`; exact for any safe integer. */
export function koboToNaira(kobo: number): string {
  const sign = kobo < 0 ? '-' : '';
  const abs = Math.abs(kobo);
  const naira = Math.floor(abs / 100);
  const rest = abs - naira * 100;
  return `${sign}${naira}.${rest < 10 ? '0' : ''}${rest}`;
}

/** a / b rounded half away from zero, for non-negative safe integers a and positive b (no binary fractions involved). */
export function divRound(a: number, b: number): number {
  let q = Math.floor(a / b);
  let r = a - q * b;
  // The float quotient can land one off near an integer; correct it with exact integer steps.
  while (r < 0) {
    q -= 1;
    r += b;
  }
  while (r >= b) {
    q += 1;
    r -= b;
  }
  return 2 * r >= b ? q + 1 : q;
}
