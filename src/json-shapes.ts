/** The shapes a parsed JSON value can take, as the checks of GraphQL requests (over HTTP and WebSocket) test them. */

/** A JSON object: not null, not an array. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Left out, or null: how GraphQL over HTTP and graphql-ws let an optional parameter be absent. */
export const isAbsent = (value: unknown): value is undefined | null => value === undefined || value === null;
