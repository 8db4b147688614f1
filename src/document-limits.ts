/**
 * Bounds on the text of a GraphQL document, checked before graphql-js parses it, on both transports: over HTTP
 * in src/graphql-http.ts before Apollo (Apollo answers an error thrown from its own hooks with a 500), over
 * graphql-ws in onSubscribe. The parser is recursive: around 2,000 levels of nested selections, lists or objects
 * overflow the stack, and the caller got "Maximum call stack size exceeded". The token bound keeps the work of
 * parsing and validating a document in proportion: 20,000 repeated fields made graphql-js give up with a bare
 * "Validation aborted.". Both sit far above real operations (the largest example operation has 114 tokens and
 * nests 6 levels; graphql-js's full introspection query, which GraphiQL sends, 184 tokens and 10 levels), so
 * neither is configurable.
 */
import { Lexer, Source, TokenKind } from 'graphql';

/** Deepest nesting of { } and [ ] a document may have (selection sets, input objects, lists, list types). */
export const MAX_DOCUMENT_DEPTH = 64;
/** Most tokens (names, values, punctuation; comments aside) a document may have. */
export const MAX_DOCUMENT_TOKENS = 15_000;

/** The { and [ characters of the text, those in strings and comments included: a bound on the nesting. */
function openingBrackets(query: string): number {
  let count = 0;
  for (let i = 0; i < query.length; i += 1) {
    const c = query.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) count += 1;
  }
  return count;
}

/**
 * Why the document is over a bound, naming the bound and what the document has; undefined when it is within
 * both. Each transport answers the reason as GRAPHQL_PARSE_FAILED, as it answers a document that does not parse.
 */
export function documentOverLimits(query: string): string | undefined {
  // Every token takes at least one character and every level an opening bracket: most documents are within
  // the bounds by their length and bracket count alone, without being lexed (a dashboard query costs ~1 µs
  // here instead of ~40).
  if (query.length <= MAX_DOCUMENT_TOKENS && openingBrackets(query) <= MAX_DOCUMENT_DEPTH) return undefined;
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  let deepest = 0;
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L) {
        depth += 1;
        if (depth > deepest) deepest = depth;
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R) {
        depth -= 1;
      }
    }
  } catch {
    // A syntax error the parser reports with its position, unless a bound was crossed before it: the parser
    // would reach that nesting (and overflow) before reaching the error.
  }
  if (deepest > MAX_DOCUMENT_DEPTH) return `The document must nest { } and [ ] at most ${MAX_DOCUMENT_DEPTH} levels deep; got ${deepest} levels`;
  if (tokens > MAX_DOCUMENT_TOKENS) return `The document must have at most ${MAX_DOCUMENT_TOKENS} tokens (names, values and punctuation); got ${tokens}`;
  return undefined;
}
