/**
 * The shape of a GraphQL-over-HTTP request's parameters, checked before Apollo reads them so that a mistake is
 * answered naming the parameter, what it must be and what arrived (Apollo's answers name neither what arrived nor,
 * for some, where: "GraphQL queries must be strings."). A POST carries the parameters as members of its JSON body;
 * a GET as search parameters, `variables` and `extensions` as JSON text.
 */
import { describeValue } from './errors';
import { isAbsent, isJsonObject } from './json-shapes';

/** The smallest operation, as a POST body: what the answers to a misshapen request show. */
export const OPERATION_EXAMPLE = '{"query": "{ __typename }"}';
const GET_EXAMPLE = '?query={__typename}';
const VARIABLES_EXAMPLE = '{"id": "17533"}';

/** An automatic persisted query may leave `query` out: its hash names a document sent before. */
const namesPersistedQuery = (extensions: unknown): boolean => isJsonObject(extensions) && isJsonObject(extensions['persistedQuery']);

/** Why `query` is not a document to run, or undefined; `where` names the parameter, `none` tells its absence. */
function queryProblem(query: unknown, extensions: unknown, where: string, example: string, none: () => string): string | undefined {
  if (typeof query === 'string' && /\S/.test(query)) return undefined;
  if (isAbsent(query) && namesPersistedQuery(extensions)) return undefined;
  const got = query === undefined ? none() : typeof query === 'string' ? 'an empty string' : describeValue(query);
  return `${where} must be a string holding the GraphQL document, such as ${example}; got ${got}`;
}

/** Why a POST body's parameters (a JSON object with at least one member) are not of GraphQL over HTTP's shape, or undefined. */
export function bodyParametersProblem(body: Record<string, unknown>): string | undefined {
  const { query, variables, operationName, extensions } = body;
  if (!isAbsent(extensions) && !isJsonObject(extensions)) {
    return `The request body's "extensions" must be a JSON object (or left out); got ${describeValue(extensions)}`;
  }
  const members = (): string => Object.keys(body).map((key) => JSON.stringify(key)).join(', ');
  const queryWrong = queryProblem(query, extensions, `The request body's "query"`, OPERATION_EXAMPLE, () => `a body without it (members: ${members()})`);
  if (queryWrong !== undefined) return queryWrong;
  if (!isAbsent(variables) && !isJsonObject(variables)) {
    const jsonText = typeof variables === 'string' ? ' (send the object itself, not JSON text of it)' : '';
    return `The request body's "variables" must be a JSON object of the operation's variables, such as ${VARIABLES_EXAMPLE}${jsonText}; got ${describeValue(variables)}`;
  }
  if (!isAbsent(operationName) && typeof operationName !== 'string') {
    return `The request body's "operationName" must be a string naming the operation to run (or left out); got ${describeValue(operationName)}`;
  }
  return undefined;
}

/** A search parameter holding JSON text of an object (`variables`, `extensions`), or why it does not. */
function jsonObjectParameter(params: URLSearchParams, name: string, example: string): { value?: Record<string, unknown>; problem?: string } {
  const text = params.get(name);
  if (text === null) return {};
  const expected = `The search parameter "${name}" must be JSON text of an object, URL-encoded, such as ${example}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `${expected}; got text that does not parse (${(error as Error).message})` };
  }
  return isJsonObject(value) ? { value } : { problem: `${expected}; got ${describeValue(value)}` };
}

/** Why a GET's search parameters (`?query=…&variables=…`) are not of GraphQL over HTTP's shape, or undefined. */
export function searchParametersProblem(search: string): string | undefined {
  const params = new URLSearchParams(search);
  const extensions = jsonObjectParameter(params, 'extensions', '{"persistedQuery": {…}}');
  if (extensions.problem !== undefined) return extensions.problem;
  const queryWrong = queryProblem(params.get('query') ?? undefined, extensions.value, 'The search parameter "query"', GET_EXAMPLE, () => 'none');
  return queryWrong ?? jsonObjectParameter(params, 'variables', VARIABLES_EXAMPLE).problem;
}
