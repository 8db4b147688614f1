/** Officer list filters and order as GraphQL inputs, validated into the loaders' OfficerFilter. */
import { Field, ID, InputType } from 'type-graphql';
import type { OfficerFilter } from '../loaders/officer.metrics';
import { VISIBLE_USER_TYPES } from '../loaders/visible-officers';
import { EMPLOYMENT_STATUSES } from '../src/django-columns';
import { badUserInput } from '../src/errors';
import { OfficerOrderField, SortDirection } from './enums';
import { parseClosedSet } from './closed-set';
import { parseIds } from './ids';
import { parseSearchText } from './search-text';

@InputType({ description: 'Officer filters (§4.7); by default only the dashboard-visible user types (§1.8). Every given condition must hold; an empty list matches nothing.' })
export class OfficerFilterInput {
  @Field(() => [ID], { nullable: true, description: 'Django user ids (any of).' })
  ids?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Curated regions (any of).' })
  regions?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Curated branches (any of).' })
  branches?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Django user types (any of, exact). A type outside the dashboard-visible set (§1.8), e.g. RECOVERY_AGENT, is refused unless includeAllUserTypes is true.',
  })
  userTypes?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the e-mail or the name.' })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Curated vertical lead e-mails (any of).' })
  verticalLeadEmails?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Curated supervisor e-mails (any of).' })
  supervisorEmails?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Active or Inactive (any of).' })
  employmentStatuses?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Include user types outside the dashboard-visible set (default false).' })
  includeAllUserTypes?: boolean | null;
}

@InputType({ description: 'Order of the officer list.' })
export class OfficerOrder {
  @Field(() => OfficerOrderField, { description: 'Column to sort by.' })
  field: OfficerOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'ASC by default.' })
  direction: SortDirection;
}

/** The user types asked for; one outside VISIBLE_UT could only match nothing unless every type is included. */
function visibleUnlessAll(argument: string, userTypes: string[] | undefined, includeAll: boolean): string[] | undefined {
  const hidden = includeAll ? undefined : userTypes?.find((type) => !VISIBLE_USER_TYPES.includes(type));
  if (hidden !== undefined) {
    throw badUserInput(`${argument}.userTypes`, `dashboard-visible user types (${VISIBLE_USER_TYPES.join(', ')}) unless ${argument}.includeAllUserTypes is true`, hidden);
  }
  return userTypes;
}

export function parseOfficerFilter(argument: string, input: OfficerFilterInput | null | undefined): OfficerFilter {
  const f = input ?? new OfficerFilterInput();
  const list = <T>(v: T[] | null | undefined): T[] | undefined => (v === null || v === undefined ? undefined : v);
  return {
    ids: parseIds(`${argument}.ids`, f.ids),
    regions: list(f.regions),
    branches: list(f.branches),
    userTypes: visibleUnlessAll(argument, list(f.userTypes), f.includeAllUserTypes === true),
    search: parseSearchText(`${argument}.search`, f.search, 'a non-empty part of an e-mail address or a name'),
    verticalLeadEmails: list(f.verticalLeadEmails),
    supervisorEmails: list(f.supervisorEmails),
    employmentStatuses: parseClosedSet(`${argument}.employmentStatuses`, f.employmentStatuses, EMPLOYMENT_STATUSES),
    includeAllUserTypes: f.includeAllUserTypes ?? false,
  };
}
