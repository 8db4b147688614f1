/**
 * Names the argument a refused literal was written for. graphql-js reports a literal of the wrong type (a
 * ValuesOfCorrectTypeRule error: `{ loans(first: "ten") }`, an impossible Date, an unknown enum value) with the
 * value and its position only; the caller also needs to know which argument, and where inside an input object
 * or list, as a variable's error already says ("Variable "$from" got invalid value … at "filter.dpdMin"").
 */
import { GraphQLError, isValueNode, Kind, parse, visit, type ValueNode } from 'graphql';

/** The argument a literal belongs to: `filter.branches[1]` of `loans`, or the default value of `$from`. */
export interface LiteralArgument {
  /** Dotted path from the argument (or variable) name down to the literal, as `extensions.argument` reports it. */
  argument: string;
  /** The prefix of the message: `Argument "filter.dpdMin" of "loans"`, `Default value of "$from"`. */
  label: string;
}

/** The path under `base` of the value that starts where `target` does, if `value` holds it. */
function pathTo(value: ValueNode, target: ValueNode, base: string): string | undefined {
  if (value.kind === target.kind && value.loc?.start === target.loc?.start) return base;
  if (value.kind === Kind.OBJECT) {
    for (const field of value.fields) {
      const found = pathTo(field.value, target, `${base}.${field.name.value}`);
      if (found !== undefined) return found;
    }
  }
  if (value.kind === Kind.LIST) {
    for (const [index, item] of value.values.entries()) {
      const found = pathTo(item, target, `${base}[${index}]`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Where the literal an error points at was written, when the error is about a literal (its one node is a value,
 * not a variable) and the operation's text is at hand (graphql-js keeps it in every node's location).
 * The operation is parsed again to find the literal's parents: AST nodes do not point up, and this runs only
 * for refused operations.
 */
export function literalArgumentOf(error: unknown): LiteralArgument | undefined {
  if (!(error instanceof GraphQLError) || error.nodes?.length !== 1) return undefined;
  const [target] = error.nodes;
  // A variable is a value node too, but an error about one concerns its type or use, not a literal.
  if (target === undefined || !isValueNode(target) || target.kind === Kind.VARIABLE || target.loc === undefined) return undefined;
  let found: LiteralArgument | undefined;
  const owners: string[] = [];
  visit(parse(target.loc.source), {
    Field: { enter: (node) => void owners.push(`"${node.name.value}"`), leave: () => void owners.pop() },
    Directive: { enter: (node) => void owners.push(`"@${node.name.value}"`), leave: () => void owners.pop() },
    Argument(node) {
      const argument = found === undefined ? pathTo(node.value, target, node.name.value) : undefined;
      if (argument !== undefined) found = { argument, label: `Argument "${argument}" of ${owners.at(-1)}` };
      return false;
    },
    VariableDefinition(node) {
      const name = `$${node.variable.name.value}`;
      const argument = found === undefined && node.defaultValue !== undefined ? pathTo(node.defaultValue, target, name) : undefined;
      if (argument !== undefined) found = { argument, label: `Default value of "${argument}"` };
    },
  });
  return found;
}
