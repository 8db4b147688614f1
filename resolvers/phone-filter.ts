/**
 * Where a loan filter crosses databases: customers' phones live in Django, the loans the filter counts in
 * seedsmetrics. A `customerPhone` text is looked up in Django first (one batched statement per request and text)
 * and becomes the ids of the customers whose phone contains it; the seedsmetrics loaders then match those ids.
 */
import type { AppContext } from '../src/context';
import type { LoanFilter } from '../loaders/loan-filter';
import type { ParsedLoanFilter } from './loan.args';

/** The loaders' filter of a parsed one: its phone text, if any, resolved to customer ids in Django. */
export async function withPhoneCustomers(ctx: AppContext, parsed: ParsedLoanFilter): Promise<LoanFilter> {
  if (parsed.customerPhone === undefined) return parsed.filter;
  return { ...parsed.filter, phoneCustomerIds: await ctx.loaders.customerIdsByPhone.load(parsed.customerPhone) };
}
