/**
 * Where an officer counts when no hierarchy is curated for them (D12): Django's user_branch, and the region that
 * branch's name points to (§1.9's substring mapping); 'Unassigned' for both when Django names no branch (NULL or
 * blank). One definition, in TypeScript and in SQL: the sync writes it for the officers it copies, the resolvers
 * answer it for officers not copied yet.
 */

export const UNASSIGNED = 'Unassigned';

/** A branch whose name contains the text is in the region (first match); any other branch is in OTHER_REGION. */
const REGION_BY_BRANCH_TEXT: ReadonlyArray<readonly [text: string, region: string]> = [
  ['Lagos', 'Lagos'],
  ['Abuja', 'FCT'],
  ['Ogun', 'Ogun'],
  ['Oyo', 'Oyo'],
];
const OTHER_REGION = 'Nigeria';

/** A blank branch, as a regular expression both JavaScript and PostgreSQL read alike (trim() knows more spaces). */
const BLANK_PATTERN = '^[ \\t\\n\\r\\f\\v]*$';
const BLANK = new RegExp(BLANK_PATTERN);

/** SQL text of a string literal. */
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

function namesNoBranch(userBranch: string | null | undefined): userBranch is null | undefined {
  return userBranch == null || BLANK.test(userBranch);
}

export function fallbackBranch(userBranch: string | null | undefined): string {
  return namesNoBranch(userBranch) ? UNASSIGNED : userBranch;
}

export function fallbackRegion(userBranch: string | null | undefined): string {
  if (namesNoBranch(userBranch)) return UNASSIGNED;
  return REGION_BY_BRANCH_TEXT.find(([text]) => userBranch.includes(text))?.[1] ?? OTHER_REGION;
}

/** SQL condition: the text expression names no branch. */
const namesNoBranchSql = (userBranch: string): string => `(${userBranch} IS NULL OR ${userBranch} ~ ${literal(BLANK_PATTERN)})`;

/** fallbackBranch of a text expression, in SQL. */
export function fallbackBranchSql(userBranch: string): string {
  return `CASE WHEN ${namesNoBranchSql(userBranch)} THEN ${literal(UNASSIGNED)} ELSE ${userBranch} END`;
}

/** fallbackRegion of a text expression, in SQL (strpos: a LIKE pattern would read % and _ in the texts). */
export function fallbackRegionSql(userBranch: string): string {
  const regions = REGION_BY_BRANCH_TEXT.map(([text, region]) => `WHEN strpos(${userBranch}, ${literal(text)}) > 0 THEN ${literal(region)}`).join(' ');
  return `CASE WHEN ${namesNoBranchSql(userBranch)} THEN ${literal(UNASSIGNED)} ${regions} ELSE ${literal(OTHER_REGION)} END`;
}
