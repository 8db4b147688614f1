/**
 * Who is asking. The gateway is read-only and has no login yet, so every request is the anonymous reader;
 * resolvers only ever see `context.viewer`, so real authentication (e.g. a JWT verified with jose) can be
 * added here without touching them.
 */
import type { IncomingMessage } from 'node:http';
import type { Viewer } from './context';

export const ANONYMOUS_VIEWER: Viewer = Object.freeze({ id: 'anonymous', roles: ['reader'] });

export function viewerFromRequest(_request: IncomingMessage): Viewer {
  return ANONYMOUS_VIEWER;
}
