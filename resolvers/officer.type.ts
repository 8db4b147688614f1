/**
 * Officer: base fields live from Django accounts_customuser; region, branch, supervisor and vertical lead from the
 * curated hierarchy in seedsmetrics `officers` (D12), falling back to Django's user_branch (src/branch-region.ts).
 */
import { Field, ID, ObjectType } from 'type-graphql';
import { fallbackBranch, fallbackRegion } from '../src/branch-region';
import type { Loaders } from '../loaders';
import { OFFICER_BASE_KEYS, type DjangoOfficerRow, type OfficerBaseKey } from '../loaders/officer.django';
import type { OfficerHierarchyRow } from '../loaders/officer.metrics';
import { isDjangoId } from './ids';
import type { Preloaded } from './preloaded';
import { DateScalar } from './scalars';

/** The Django row fields each Officer field reads beyond the id (fields not listed read none). */
const DJANGO_KEYS_OF_FIELD: Readonly<Record<string, readonly OfficerBaseKey[]>> = {
  name: ['name'],
  email: ['email'],
  phone: ['phone'],
  userType: ['userType'],
  employmentStatus: ['employmentStatus'],
  hireDate: ['hireDate'],
  branch: ['userBranch'],
};

/** The Django row fields a selection of Officer fields (by name) reads, in the row's order, the id included. */
export function officerBaseKeysShown(fields: ReadonlyMap<string, unknown>): OfficerBaseKey[] {
  const wanted = new Set<OfficerBaseKey>(['id']);
  for (const name of fields.keys()) for (const key of DJANGO_KEYS_OF_FIELD[name] ?? []) wanted.add(key);
  return OFFICER_BASE_KEYS.filter((key) => wanted.has(key));
}

/** Officer fields read from the curated hierarchy row (seedsmetrics `officers`). */
export const OFFICER_HIERARCHY_FIELDS: readonly string[] = ['region', 'branch', 'supervisorName', 'supervisorEmail', 'verticalLeadName', 'verticalLeadEmail'];

@ObjectType({ description: 'A loan officer (agent): any Django user that loans reference.' })
export class Officer {
  /**
   * @param hierarchy the curated hierarchy row when the caller already has it (a page of officers, a lookup that
   * read it alongside; null = none curated): the hierarchy fields then resolve synchronously. When undefined,
   * they load it through the request's loader.
   */
  constructor(
    readonly base: DjangoOfficerRow,
    private readonly loaders: Loaders,
    private readonly hierarchy?: OfficerHierarchyRow | null,
  ) {}

  private fromHierarchy<T>(pick: (row: OfficerHierarchyRow | null) => T | Promise<T>): T | Promise<T> {
    if (this.hierarchy !== undefined) return pick(this.hierarchy);
    return this.loaders.officerHierarchy.load(this.base.id).then(pick);
  }

  @Field(() => ID, { description: 'Django user id (accounts_customuser.id).' })
  get id(): string {
    return this.base.id;
  }

  @Field(() => String, { description: "Django username, or the e-mail when there is none ('Officer <id>' for a row written around Django with neither)." })
  get name(): string {
    return this.base.name;
  }

  // Nullable although Django's column is NOT NULL (§1.1): a row written around Django may hold NULL, and a non-null
  // field's null failed the officer and, in a list, the whole page.
  @Field(() => String, { nullable: true, description: 'Django e-mail; null only when Django holds NULL, which its column does not allow (a row written around Django).' })
  get email(): string | null {
    return this.base.email;
  }

  @Field(() => String, { nullable: true, description: 'Django phone number, as Django holds it.' })
  get phone(): string | null {
    return this.base.phone;
  }

  @Field(() => String, { nullable: true, description: 'Django user_type (STAFF_AGENT, MERCHANT, …); null when Django has none.' })
  get userType(): string | null {
    return this.base.userType;
  }

  @Field(() => String, { description: 'Active when Django performance_status is Active, otherwise Inactive.' })
  get employmentStatus(): string {
    return this.base.employmentStatus;
  }

  @Field(() => DateScalar, { nullable: true, description: 'Django date_joined as a business date.' })
  get hireDate(): string | null {
    return this.base.hireDate;
  }

  private async loadRegion(): Promise<string> {
    return fallbackRegion((await this.loaders.officer.load(this.base.id))?.userBranch);
  }

  @Field(() => String, {
    description: "Curated region (D12); when none is curated, the region Django's user_branch names (Lagos, FCT, Ogun, Oyo, else Nigeria), and 'Unassigned' when Django has no branch.",
  })
  get region(): string | Promise<string> {
    // Only an officer seedsmetrics has no row for yet needs Django's branch: read then, if the row read lacks it.
    return this.fromHierarchy<string>((h) => h?.region ?? (this.base.userBranch !== undefined ? fallbackRegion(this.base.userBranch) : this.loadRegion()));
  }

  @Field(() => String, { description: "Curated branch (D12); when none is curated, Django's user_branch, and 'Unassigned' when that is empty." })
  get branch(): string | Promise<string> {
    return this.fromHierarchy((h) => h?.branch ?? fallbackBranch(this.base.userBranch));
  }

  @Field(() => String, { nullable: true, description: 'Curated supervisor (D12); null when none is curated.' })
  get supervisorName(): string | null | Promise<string | null> {
    return this.fromHierarchy((h) => h?.supervisorName ?? null);
  }

  @Field(() => String, { nullable: true, description: 'Curated supervisor e-mail (D12).' })
  get supervisorEmail(): string | null | Promise<string | null> {
    return this.fromHierarchy((h) => h?.supervisorEmail ?? null);
  }

  @Field(() => String, { nullable: true, description: 'Curated vertical lead (D12); null when none is curated.' })
  get verticalLeadName(): string | null | Promise<string | null> {
    return this.fromHierarchy((h) => h?.verticalLeadName ?? null);
  }

  @Field(() => String, { nullable: true, description: 'Curated vertical lead e-mail (D12).' })
  get verticalLeadEmail(): string | null | Promise<string | null> {
    return this.fromHierarchy((h) => h?.verticalLeadEmail ?? null);
  }
}

/**
 * The officer with Django id `id` through the request's batched loader; null when Django has no such user or the
 * id is not a Django id (a placeholder officer of seedsmetrics).
 */
export async function loadOfficer(loaders: Loaders, id: string | null): Promise<Officer | null> {
  if (!isDjangoId(id)) return null;
  const row = await loaders.officer.load(id);
  return row === null ? null : new Officer(row, loaders);
}

/**
 * The officers of a list's rows, read before the list is returned (the same statements as row by row: one Django
 * batch and, when `officerFields` selects a curated field, one seedsmetrics batch), for the rows' `officer`
 * (takePreloaded) and its curated fields to resolve without a promise.
 */
export async function preloadOfficers(loaders: Loaders, ids: readonly (string | null)[], officerFields: ReadonlyMap<string, unknown>): Promise<Preloaded<Officer>> {
  const djangoIds = [...new Set(ids.filter(isDjangoId))];
  const withHierarchy = OFFICER_HIERARCHY_FIELDS.some((name) => officerFields.has(name));
  const [rows, hierarchies] = await Promise.all([loaders.officer.loadMany(djangoIds), withHierarchy ? loaders.officerHierarchy.loadMany(djangoIds) : undefined]);
  const preloaded = new Map<string, Officer | null | Error>();
  djangoIds.forEach((id, i) => {
    const row = rows[i]!;
    const hierarchy = hierarchies?.[i];
    // A curated row that failed to load is left to the curated fields, which get the failure from the loader and report it.
    preloaded.set(id, row instanceof Error || row === null ? row : new Officer(row, loaders, hierarchy instanceof Error ? undefined : hierarchy));
  });
  return preloaded;
}
