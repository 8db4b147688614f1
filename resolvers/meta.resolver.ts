/** Facts about the API itself. */
import { Query, Resolver } from 'type-graphql';

export const API_VERSION = '1';

@Resolver()
export class MetaResolver {
  @Query(() => String, { description: 'Version of this API; it changes only with breaking schema changes.' })
  apiVersion(): string {
    return API_VERSION;
  }
}
