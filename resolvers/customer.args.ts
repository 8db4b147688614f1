/** Customer list filters as a GraphQL input, validated into the loaders' CustomerListFilter. */
import { Field, ID, InputType } from 'type-graphql';
import type { CustomerListFilter } from '../loaders/customer.django';
import { KYC_STATUSES } from '../src/django-columns';
import { parseClosedSet } from './closed-set';
import { parseIds } from './ids';
import { parseSearchText } from './search-text';

@InputType({ description: 'Customer filters, applied live in Django; every given condition must hold, and an empty list matches nothing.' })
export class CustomerFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Django borrower ids (any of).' })
  ids?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Case-sensitive substring of the phone number.' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  name?: string | null;

  @Field(() => [String], { nullable: true, description: 'States (any of, exact).' })
  states?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Verified, Partial or Pending.' })
  kycStatuses?: string[] | null;
}

export function parseCustomerFilter(argument: string, input: CustomerFilterInput | null | undefined): CustomerListFilter {
  const f = input ?? new CustomerFilterInput();
  return {
    ids: parseIds(`${argument}.ids`, f.ids),
    phone: parseSearchText(`${argument}.phone`, f.phone, 'a non-empty part of a phone number'),
    name: parseSearchText(`${argument}.name`, f.name, 'a non-empty part of a name'),
    states: f.states ?? undefined,
    kycStatuses: parseClosedSet(`${argument}.kycStatuses`, f.kycStatuses, KYC_STATUSES),
  };
}
