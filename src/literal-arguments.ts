/**
 * Names the argument a refused literal was written for. graphql-js reports a literal of the wrong type (a
 * ValuesOfCorrectTypeRule error: `{ loans(first: "ten") }`, an impossible Date, an unknown enum value) with the
 * value and its position only; the caller also needs to know which argument, and where inside an input object
 * or list, as a variable's error already says ("Variable "$from" got invalid value … at "filter.dpdMin"").
 */
import { GraphQLError, isEnumType, isValueNode, Kind, parse, visit, type GraphQLSchema, type ValueNode } from 'graphql';

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

/**
 * The variable a refused variable value was given for, with the path inside it: `$order.field` for
 * `Variable "$order" got invalid value "X" at "order.field"; …`, `$id` for `Variable "$id" of required type "ID!"
 * was not provided.` (graphql-js names it in the message only).
 */
export function variableArgumentOf(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)" (?:got invalid value|of required type|of non-null type)/.exec(message);
  if (variable === null) return undefined;
  const inside = /^Variable "\$\w+" got invalid value .*? at "([^"]+)"; /.exec(message);
  return `$${inside?.[1] ?? variable[1]}`;
}

/** graphql-js's refusals of an enum value, which name the enum but not the values it has. */
const ENUM_REFUSALS = [/Value "(?:[^"\\]|\\.)*" does not exist in "(\w+)" enum\./, /Enum "(\w+)" cannot represent non-string value: .*?\./];

/** The message with the refused enum's values listed after its refusal, when it refuses one of `schema`'s enums. */
export function withEnumValues(message: string, schema: GraphQLSchema | undefined): string {
  if (schema === undefined) return message;
  for (const refusal of ENUM_REFUSALS) {
    const match = refusal.exec(message);
    const type = match === null ? undefined : schema.getType(match[1]!);
    if (match !== null && isEnumType(type)) {
      return message.replace(match[0], `${match[0]} Expected one of ${type.getValues().map((value) => value.name).join(', ')}.`);
    }
  }
  return message;
}
