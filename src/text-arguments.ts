/**
 * Refuses text PostgreSQL cannot take: a NUL character (U+0000) in any string that reaches an argument, written
 * in the operation or sent as a variable, over either transport. PostgreSQL text cannot hold NUL, so such a
 * string made every statement it was bound to fail ("invalid byte sequence for encoding UTF8: 0x00"), and the
 * caller got a masked INTERNAL_SERVER_ERROR. One check before execution covers every argument (filters,
 * search, ids, cursors, `since`) rather than each resolver.
 */
import {
  getOperationAST,
  GraphQLError,
  Kind,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { badUserInput } from './errors';
import type { OperationCheck, OperationToCheck } from './operation-checks';

const NUL = '\u0000';
export const NUL_FREE_TEXT = 'text without NUL characters (U+0000)';

/** An argument value of the operation and where it sits, named as the API names arguments (filter.branches[1]). */
interface ArgumentValue {
  path: string;
  value: ValueNode;
}

interface OperationArguments {
  values: ArgumentValue[];
  /** Default values of the operation's variables, used when the caller leaves a variable out. */
  defaults: Map<string, ValueNode>;
}

/** Every argument value of the operation, fragments it spreads (once each) and directives included. */
function argumentsOf(document: DocumentNode, operation: OperationDefinitionNode): OperationArguments {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const values: ArgumentValue[] = [];
  const collect = (node: { readonly arguments?: readonly ArgumentNode[]; readonly directives?: readonly DirectiveNode[] }): void => {
    for (const argument of node.arguments ?? []) values.push({ path: argument.name.value, value: argument.value });
    for (const directive of node.directives ?? []) collect(directive);
  };
  const spread = new Set<string>();
  const selectionSets: SelectionSetNode[] = [operation.selectionSet];
  for (let set = selectionSets.pop(); set !== undefined; set = selectionSets.pop()) {
    for (const selection of set.selections) {
      collect(selection);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined || spread.has(fragment.name.value)) continue;
        spread.add(fragment.name.value);
        collect(fragment);
        selectionSets.push(fragment.selectionSet);
      } else if (selection.selectionSet) {
        selectionSets.push(selection.selectionSet);
      }
    }
  }
  collect(operation);
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  return { values, defaults };
}

/** The refusal for the first string with NUL in a value sent as a variable (walked without recursion: any depth). */
function nulInVariable(value: unknown, path: string): { path: string; text: string } | undefined {
  const pending: [unknown, string][] = [[value, path]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at] = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return { path: at, text: item };
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i -= 1) pending.push([item[i], `${at}[${i}]`]);
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i -= 1) pending.push([entries[i]![1], `${at}.${entries[i]![0]}`]);
    }
  }
  return undefined;
}

function refusal(path: string, text: string, node: ValueNode): GraphQLError {
  const error = badUserInput(path, NUL_FREE_TEXT, text);
  // http.status: Apollo answers 400 (a caller error) for an error raised before execution; it strips `http`.
  return new GraphQLError(error.message, { nodes: node, extensions: { ...error.extensions, http: { status: 400 } } });
}

function nulInValue(value: ValueNode, path: string, variables: Record<string, unknown>, defaults: Map<string, ValueNode>): GraphQLError | undefined {
  switch (value.kind) {
    case Kind.STRING:
      return value.value.includes(NUL) ? refusal(path, value.value, value) : undefined;
    case Kind.LIST:
      for (const [i, item] of value.values.entries()) {
        const found = nulInValue(item, `${path}[${i}]`, variables, defaults);
        if (found) return found;
      }
      return undefined;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const found = nulInValue(field.value, `${path}.${field.name.value}`, variables, defaults);
        if (found) return found;
      }
      return undefined;
    case Kind.VARIABLE: {
      const name = value.name.value;
      if (!Object.hasOwn(variables, name)) {
        const fallback = defaults.get(name);
        return fallback === undefined ? undefined : nulInValue(fallback, path, variables, defaults);
      }
      const found = nulInVariable(variables[name], path);
      return found && refusal(found.path, found.text, value);
    }
    default:
      return undefined;
  }
}

/**
 * The check: BAD_USER_INPUT naming the argument (`filter.customerPhone must be text without NUL characters
 * (U+0000); got "08\u0000"`), at the literal or the variable where the value enters the operation. Where the
 * arguments of a document's operation sit is worked out once per parsed document (Apollo hands the same object
 * for the same query text); each request then walks only its values.
 */
export function createTextArgumentsCheck(): OperationCheck {
  const cache = new WeakMap<DocumentNode, Map<string | null, OperationArguments>>();
  const argumentsFor = ({ document, operationName }: OperationToCheck): OperationArguments | null => {
    let byName = cache.get(document);
    if (byName === undefined) {
      byName = new Map();
      cache.set(document, byName);
    }
    const key = operationName ?? null;
    let found = byName.get(key);
    if (found === undefined) {
      const operation = getOperationAST(document, operationName);
      // An unknown operation name is refused by graphql-js, which names it; only names the document defines are
      // remembered, so callers cannot grow the cache with made-up ones.
      if (!operation) return null;
      found = argumentsOf(document, operation);
      byName.set(key, found);
    }
    return found;
  };
  return (operation) => {
    const found = argumentsFor(operation);
    if (found === null) return [];
    const variables = operation.variables ?? {};
    for (const { path, value } of found.values) {
      const refused = nulInValue(value, path, variables, found.defaults);
      if (refused) return [refused];
    }
    return [];
  };
}
