// SPDX-License-Identifier: Apache-2.0
/**
 * Shell-style wildcards for pool names (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`), as accepted by the
 * pool annotations and netconf default pools. Patterns are compiled into tokens and matched by
 * dynamic programming instead of being turned into a RegExp: no user text ever reaches a regex
 * engine, and matching is O(pattern × name) with no catastrophic backtracking.
 */

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'literal'; char: string }
  | { kind: 'class'; negated: boolean; ranges: Array<readonly [string, string]> };

/** True when the text holds a wildcard character and so must be expanded against pool names. */
export function isWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** True when `name` matches the whole of `pattern`. */
export function matchWildcard(pattern: string, name: string): boolean {
  return matchTokens(tokenize(pattern), Array.from(name));
}

/**
 * Expands a list of pool names and patterns against the existing pool names. The user's order is
 * kept; a wildcard is replaced by the names it matches in ascending name order; a plain name is
 * kept even when no such pool exists (the caller reports it). The first occurrence of a name wins.
 */
export function expandPoolNames(patterns: readonly string[], allNames: readonly string[]): string[] {
  const sortedNames = [...allNames].sort(compareNames);
  const seen = new Set<string>();
  const result: string[] = [];
  for (const pattern of patterns) {
    const names = isWildcard(pattern) ? sortedNames.filter((n) => matchWildcard(pattern, n)) : [pattern];
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      result.push(name);
    }
  }
  return result;
}

/** Code-unit order: deterministic and independent of the process locale. */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function tokenize(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'any' });
    else if (c === '[') {
      const parsed = parseClass(chars, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.next;
        continue;
      }
      // An unterminated `[` is an ordinary character.
      tokens.push({ kind: 'literal', char: c });
    } else tokens.push({ kind: 'literal', char: c });
    i++;
  }
  return tokens;
}

/**
 * Parses `[...]` starting at `start` (the `[`). A `]` right after `[` or `[!` is a member, as in
 * POSIX globs. Returns undefined when the class is not closed.
 */
function parseClass(chars: string[], start: number): { token: Token; next: number } | undefined {
  let i = start + 1;
  const negated = chars[i] === '!';
  if (negated) i++;
  const ranges: Array<readonly [string, string]> = [];
  let first = true;
  while (i < chars.length && (first || chars[i] !== ']')) {
    first = false;
    const lo = chars[i] as string;
    const hi = chars[i + 2];
    if (chars[i + 1] === '-' && hi !== undefined && hi !== ']') {
      ranges.push([lo, hi]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i++;
    }
  }
  if (i >= chars.length) return undefined;
  return { token: { kind: 'class', negated, ranges }, next: i + 1 };
}

function matchesChar(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'literal':
      return token.char === char;
    case 'class': {
      const cp = char.codePointAt(0) ?? -1;
      const inClass = token.ranges.some(([lo, hi]) => (lo.codePointAt(0) ?? 0) <= cp && cp <= (hi.codePointAt(0) ?? -1));
      return inClass !== token.negated;
    }
    default:
      return false;
  }
}

/** `row[j]` = the first `t` tokens match the first `j` characters; one row per token. */
function matchTokens(tokens: Token[], chars: string[]): boolean {
  let row: boolean[] = Array.from({ length: chars.length + 1 }, (_, j) => j === 0);
  for (const token of tokens) {
    const next: boolean[] = Array.from({ length: chars.length + 1 }, () => false);
    for (let j = 0; j <= chars.length; j++) {
      if (token.kind === 'star') next[j] = Boolean(row[j]) || (j > 0 && Boolean(next[j - 1]));
      else next[j] = j > 0 && Boolean(row[j - 1]) && matchesChar(token, chars[j - 1] as string);
    }
    row = next;
  }
  return Boolean(row[chars.length]);
}
