/** Officer list filters and order as GraphQL inputs, validated into the loaders' OfficerFilter. */
import { Field, ID, InputType } from 'type-graphql';
import { isMetricSort, type OfficerFilter, type OfficerSortKey } from '../loaders/officer.metrics';
import { VISIBLE_USER_TYPES } from '../loaders/visible-officers';
import { RISK_BANDS } from '../loaders/officer-portfolio.metrics';
import { EMPLOYMENT_STATUSES } from '../src/django-columns';
import { badUserInput } from '../src/errors';
import { enumNameOf, OfficerOrderField, SortDirection, Wave } from './enums';
import { parseClosedSet } from './closed-set';
import { parseIds } from './ids';
import { DecimalScalar } from './scalars';
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

  @Field(() => [String], {
    nullable: true,
    description: `Risk bands (any of: ${RISK_BANDS.join(', ')}, as Officer.portfolio.riskBand spells them) of the officer's metrics over metricsWave's loans (all waves by default).`,
  })
  riskBands?: string[] | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Officers whose repaymentDelayRate (to the 2 places Officer.portfolio shows) is below this, over metricsWave's loans (all waves by default).",
  })
  repaymentDelayRateBelow?: string | null;

  @Field(() => Wave, {
    nullable: true,
    description:
      "The wave whose loans riskBands and repaymentDelayRateBelow read, as portfolio(wave:) shows them; leave out for all waves. Refused without either. " +
      'Independent of orderBy.wave.',
  })
  metricsWave?: Wave | null;
}

@InputType({ description: 'Order of the officer list.' })
export class OfficerOrder {
  @Field(() => OfficerOrderField, { description: 'Column to sort by.' })
  field: OfficerOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC, description: 'ASC by default.' })
  direction: SortDirection;

  @Field(() => Wave, {
    nullable: true,
    description:
      'With a metric field (RISK_SCORE … REPAYMENT_DELAY_RATE): sort on the metrics of this wave\'s loans, as portfolio(wave:) shows them, so ' +
      'a table of one wave is in the order of the figures it shows; leave out for all waves. Refused with a field that is not a metric.',
  })
  wave?: Wave | null;
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
    ...parseMetricConditions(argument, f),
  };
}

/** The conditions on an officer's §4.4 metrics; a wave only goes with one of them. */
function parseMetricConditions(argument: string, f: OfficerFilterInput): Pick<OfficerFilter, 'riskBands' | 'repaymentDelayRateBelow' | 'metricsWave'> {
  const riskBands = parseClosedSet(`${argument}.riskBands`, f.riskBands, RISK_BANDS);
  const repaymentDelayRateBelow = f.repaymentDelayRateBelow ?? undefined;
  const metricsWave = f.metricsWave ?? null;
  if (metricsWave !== null && riskBands === undefined && repaymentDelayRateBelow === undefined) {
    throw badUserInput(
      `${argument}.metricsWave`,
      `left out unless ${argument}.riskBands or ${argument}.repaymentDelayRateBelow is given (it picks the wave whose metrics they read)`,
      enumNameOf(Wave, metricsWave),
    );
  }
  return { riskBands, repaymentDelayRateBelow, metricsWave };
}

export interface ParsedOfficerOrder {
  sort: OfficerSortKey;
  direction: SortDirection;
  /** The wave whose metrics a metric sort uses; null for all waves. */
  wave: Wave | null;
}

/** The officer order asked (by name, ascending, by default); a wave only goes with a metric field. */
export function parseOfficerOrder(argument: string, orderBy: OfficerOrder | null | undefined): ParsedOfficerOrder {
  const sort = orderBy?.field ?? OfficerOrderField.NAME;
  const wave = orderBy?.wave ?? null;
  if (wave !== null && !isMetricSort(sort)) {
    throw badUserInput(
      `${argument}.wave`,
      `left out with ${argument}.field ${enumNameOf(OfficerOrderField, sort)} (only a metric field, RISK_SCORE … REPAYMENT_DELAY_RATE, sorts on one wave)`,
      enumNameOf(Wave, wave),
    );
  }
  return { sort, direction: orderBy?.direction ?? SortDirection.ASC, wave };
}
