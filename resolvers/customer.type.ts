/** Customer (borrower): base fields live from Django ajo_ajouser. */
import { Field, ID, ObjectType } from 'type-graphql';
import { CUSTOMER_BASE_KEYS, type CustomerBaseKey, type DjangoCustomerRow } from '../loaders/customer.django';
import { DateScalar } from './scalars';

/**
 * The Django row fields a selection of Customer fields (by name) reads, in the row's order, the id included: each
 * base field is named as its row field, and the others (loans) read only the id.
 */
export function customerBaseKeysShown(fields: ReadonlyMap<string, unknown>): CustomerBaseKey[] {
  return CUSTOMER_BASE_KEYS.filter((key) => key === 'id' || (key !== 'agentId' && fields.has(key)));
}

@ObjectType({ description: 'A borrower.' })
export class Customer {
  constructor(readonly base: DjangoCustomerRow) {}

  @Field(() => ID, { description: 'Django borrower id (ajo_ajouser.id).' })
  get id(): string {
    return this.base.id;
  }

  @Field(() => String, { description: "First and last name; the phone number when either is missing ('Customer <id>' for a row written around Django without a phone number either)." })
  get name(): string {
    return this.base.name;
  }

  // Nullable although Django's column is NOT NULL (§1.2): a row written around Django may hold NULL, and a non-null
  // field's null failed the customer and, in a list, the whole page.
  @Field(() => String, { nullable: true, description: 'Django phone number, as Django holds it; null only when Django holds NULL, which its column does not allow (a row written around Django).' })
  get phone(): string | null {
    return this.base.phone;
  }

  @Field(() => DateScalar, { nullable: true, description: 'Date of birth.' })
  get dob(): string | null {
    return this.base.dob;
  }

  @Field(() => String, { nullable: true, description: 'As Django holds it.' })
  get gender(): string | null {
    return this.base.gender;
  }

  @Field(() => String, { nullable: true, description: 'State of residence, as Django holds it.' })
  get state(): string | null {
    return this.base.state;
  }

  @Field(() => String, { nullable: true, description: 'Local government area, as Django holds it.' })
  get lga(): string | null {
    return this.base.lga;
  }

  @Field(() => String, { nullable: true, description: 'As Django holds it.' })
  get address(): string | null {
    return this.base.address;
  }

  @Field(() => String, { description: 'Verified (BVN and onboarding verified), Partial (BVN only) or Pending.' })
  get kycStatus(): string {
    return this.base.kycStatus;
  }
}
