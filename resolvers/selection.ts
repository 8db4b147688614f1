/**
 * What a query selects below a field, so a resolver can skip work nobody asked for. It over-approximates on
 * purpose: fields under any fragment or directive count as selected, so skipping is always safe.
 */
import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** The field nodes a query selects directly below the current field (through fragments too), by field name. */
export function selectedFields(info: GraphQLResolveInfo): Map<string, FieldNode[]> {
  return fieldsBelow(info.fieldNodes, info);
}

/** The field nodes selected directly below `nodes` (through fragments too), by field name. */
export function fieldsBelow(nodes: readonly FieldNode[], info: Pick<GraphQLResolveInfo, 'fragments'>): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visitedFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        fields.set(name, [...(fields.get(name) ?? []), selection]);
      } else if (selection.kind === 'InlineFragment') {
        visit(selection.selectionSet);
      } else if (!visitedFragments.has(selection.name.value)) {
        visitedFragments.add(selection.name.value);
        visit(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of nodes) visit(node.selectionSet);
  return fields;
}

/** The field nodes a query selects on a connection's nodes, through `nodes { ... }` and `edges { node { ... } }`, by field name. */
export function nodeFieldsBelow(connectionFields: Map<string, FieldNode[]>, info: Pick<GraphQLResolveInfo, 'fragments'>): Map<string, FieldNode[]> {
  const nodes = [...(connectionFields.get('nodes') ?? []), ...(fieldsBelow(connectionFields.get('edges') ?? [], info).get('node') ?? [])];
  return fieldsBelow(nodes, info);
}

/** True when a selection (selectedFields, fieldsBelow) has a field whose name is not in `names` (__typename aside). */
export function selectsAnyOutside(fields: ReadonlyMap<string, unknown>, names: readonly string[]): boolean {
  const known = new Set([...names, '__typename']);
  return [...fields.keys()].some((name) => !known.has(name));
}

/**
 * `derive` computed once per field position of a query: graphql-js hands every row of a list the same `fieldNodes`
 * array, so a per-row resolver pays a lookup instead of a walk of the selection.
 */
export function oncePerFieldPosition<T>(derive: (info: GraphQLResolveInfo) => T): (info: GraphQLResolveInfo) => T {
  const derived = new WeakMap<readonly FieldNode[], T>();
  return (info) => {
    let value = derived.get(info.fieldNodes);
    if (value === undefined) {
      value = derive(info);
      derived.set(info.fieldNodes, value);
    }
    return value;
  };
}

/**
 * Starts a load now, so it runs concurrently with the one the field needs first; the field that needs it later
 * gets the same cached promise (and its error, if any) from the request's DataLoader.
 */
export function prefetch(load: () => Promise<unknown>): void {
  load().catch(() => undefined);
}
