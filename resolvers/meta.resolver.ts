/** Facts about the API itself, and about the caller. */
import { Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../src/context';
import { ANONYMOUS_VIEWER } from '../src/auth';

export const API_VERSION = '1';

@ObjectType('Viewer', { description: 'Who is asking: the subject and roles of the bearer token, or the anonymous reader when authentication is off.' })
export class ViewerType {
  @Field(() => ID, { description: 'The token\'s `sub` claim; "anonymous" when authentication is off.' })
  id!: string;

  @Field(() => [String], { description: 'The token\'s `roles` claim; ["reader"] when it has none.' })
  roles!: string[];
}

@Resolver()
export class MetaResolver {
  @Query(() => String, { description: 'Version of this API; it changes only with breaking schema changes.' })
  apiVersion(): string {
    return API_VERSION;
  }

  @Query(() => ViewerType, { description: 'The caller, as authentication identified it.' })
  viewer(@Ctx() context: AppContext): ViewerType {
    const viewer = context.viewer ?? ANONYMOUS_VIEWER;
    return { id: viewer.id, roles: [...viewer.roles] };
  }
}
