/**
 * What a query selects below a field, so a resolver can skip work nobody asked for. It over-approximates on
 * purpose: fields under any fragment or directive count as selected, so skipping is always safe.
 */
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** True when a query selects any of `names` directly below the current field (through fragments too). */
export function selectsAnyOf(info: GraphQLResolveInfo, names: readonly string[]): boolean {
  const wanted = new Set(names);
  const visitedFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') {
        if (wanted.has(selection.name.value)) return true;
      } else if (selection.kind === 'InlineFragment') {
        if (visit(selection.selectionSet)) return true;
      } else {
        const name = selection.name.value;
        if (visitedFragments.has(name)) continue;
        visitedFragments.add(name);
        if (visit(info.fragments[name]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
