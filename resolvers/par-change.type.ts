/** GraphQL types of PAR changes (D8): the event payload, its scope and its history connection. */
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { ParChangeRow } from '../loaders/par-change.metrics';
import { PageInfo } from './pagination';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars';

export enum ParScope {
  PORTFOLIO = 'PORTFOLIO',
  REGION = 'REGION',
  BRANCH = 'BRANCH',
  OFFICER = 'OFFICER',
}
registerEnumType(ParScope, {
  name: 'ParScope',
  description: 'What a PAR figure is computed over; its key is "ALL" (PORTFOLIO), a region, a branch or an officer id.',
  valuesConfig: {
    PORTFOLIO: { description: 'Every loan; key "ALL".' },
    REGION: { description: 'The loans of one curated region; key the region.' },
    BRANCH: { description: 'The loans of one curated branch; key the branch.' },
    OFFICER: { description: "One officer's loans; key the officer's Django user id." },
  },
});

@ObjectType({
  description:
    'PAR of one scope moved after a recompute (D8). PARn = Σ principal_outstanding of loans with current_dpd ≥ n; ratios are PARn / portfolio.',
})
export class ParChange {
  @Field(() => ID, { description: 'Increasing event id; pass the last one seen as `since` to resume without gaps.' })
  id: string;

  @Field(() => DateTimeScalar, { description: 'When the recompute that moved PAR ran (start of its transaction).' })
  at: string;

  @Field(() => DateScalar, { description: 'Business date of that recompute.' })
  businessDate: string;

  @Field(() => ParScope, { description: 'What the figures are computed over.' })
  scope: ParScope;

  @Field(() => String, { description: '"ALL" for PORTFOLIO, else the region, branch or officer id.' })
  key: string;

  @Field(() => DecimalScalar, { description: 'Σ principal_outstanding of the scope before the change.' })
  portfolioBefore: string;

  @Field(() => DecimalScalar, { description: 'Σ principal_outstanding of the scope after the change.' })
  portfolioAfter: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 15 before the change." })
  par15Before: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 15 after the change." })
  par15After: string;

  @Field(() => DecimalScalar, { description: 'PAR15 ratio before (par15Before / portfolioBefore).' })
  ratioBefore: string;

  @Field(() => DecimalScalar, { description: 'PAR15 ratio after (par15After / portfolioAfter).' })
  ratioAfter: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 30 before the change." })
  par30Before: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 30 after the change." })
  par30After: string;

  @Field(() => DecimalScalar, { description: 'PAR30 ratio before (par30Before / portfolioBefore).' })
  ratio30Before: string;

  @Field(() => DecimalScalar, { description: 'PAR30 ratio after (par30After / portfolioAfter).' })
  ratio30After: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 60 before the change." })
  par60Before: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 60 after the change." })
  par60After: string;

  @Field(() => DecimalScalar, { description: 'PAR60 ratio before (par60Before / portfolioBefore).' })
  ratio60Before: string;

  @Field(() => DecimalScalar, { description: 'PAR60 ratio after (par60After / portfolioAfter).' })
  ratio60After: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 90 before the change." })
  par90Before: string;

  @Field(() => DecimalScalar, { description: "Σ principal_outstanding of the scope's loans with current_dpd ≥ 90 after the change." })
  par90After: string;

  @Field(() => DecimalScalar, { description: 'PAR90 ratio before (par90Before / portfolioBefore).' })
  ratio90Before: string;

  @Field(() => DecimalScalar, { description: 'PAR90 ratio after (par90After / portfolioAfter).' })
  ratio90After: string;

  static fromRow(row: ParChangeRow): ParChange {
    return Object.assign(new ParChange(), {
      id: row.id,
      at: row.createdAt,
      businessDate: row.businessDate,
      scope: row.scope as ParScope,
      key: row.key,
      portfolioBefore: row.portfolioBefore,
      portfolioAfter: row.portfolioAfter,
      par15Before: row.par15Before,
      par15After: row.par15After,
      ratioBefore: row.ratio15Before,
      ratioAfter: row.ratio15After,
      par30Before: row.par30Before,
      par30After: row.par30After,
      ratio30Before: row.ratio30Before,
      ratio30After: row.ratio30After,
      par60Before: row.par60Before,
      par60After: row.par60After,
      ratio60Before: row.ratio60Before,
      ratio60After: row.ratio60After,
      par90Before: row.par90Before,
      par90After: row.par90After,
      ratio90Before: row.ratio90Before,
      ratio90After: row.ratio90After,
    });
  }
}

@ObjectType({ description: 'A page of PAR changes in id order. Cursors are event ids: endCursor can be passed as `since`.' })
export class ParChangeConnection {
  @Field(() => [ParChange], { description: 'The changes of this page, in id order.' })
  nodes: ParChange[];

  @Field(() => PageInfo, { description: 'Its cursors are event ids.' })
  pageInfo: PageInfo;
}
