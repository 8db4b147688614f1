/** Facts about the API itself, about the caller, and about how fresh its data is. */
import { Ctx, Field, Float, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../src/context';
import { ANONYMOUS_VIEWER } from '../src/auth';
import { DateScalar, DateTimeScalar } from './scalars';

export const API_VERSION = '1';

@ObjectType('Viewer', { description: 'Who is asking: the subject and roles of the bearer token, or the anonymous reader when authentication is off.' })
export class ViewerType {
  @Field(() => ID, { description: 'The token\'s `sub` claim; "anonymous" when authentication is off.' })
  id!: string;

  @Field(() => [String], { description: 'The token\'s `roles` claim; ["reader"] when it has none.' })
  roles!: string[];
}

@ObjectType('SyncStatus', {
  description:
    'How fresh the computed data is: the sync worker copies new Django rows every few seconds and edited ones every 30 s. What a dashboard shows as "data as of".',
})
export class SyncStatusType {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Every Django row created before this instant is in the computed data (the start of the last successful sync cycle); null before the first.' })
  syncedThrough!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last successful sync cycle finished.' })
  lastCycleAt!: string | null;

  @Field(() => Float, { nullable: true, description: 'Seconds from syncedThrough to now.' })
  lagSeconds!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When sync cycles started failing, if the latest ones failed; null while they succeed. The cause is in the gateway\'s log.' })
  failingSince!: string | null;

  @Field(() => DateScalar, { description: 'The business date the computed fields are evaluated at.' })
  businessDate!: string;
}

@Resolver()
export class MetaResolver {
  @Query(() => String, { description: 'Version of this API; it changes only with breaking schema changes.' })
  apiVersion(): string {
    return API_VERSION;
  }

  @Query(() => SyncStatusType, { description: 'How fresh the computed data is (the sync worker\'s log).' })
  syncStatus(@Ctx() context: AppContext): Promise<SyncStatusType> {
    return context.loaders.syncStatus();
  }

  @Query(() => ViewerType, { description: 'The caller, as authentication identified it.' })
  viewer(@Ctx() context: AppContext): ViewerType {
    const viewer = context.viewer ?? ANONYMOUS_VIEWER;
    return { id: viewer.id, roles: [...viewer.roles] };
  }
}
