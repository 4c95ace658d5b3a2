/**
 * Glob matching with `*` (any run, including none) and `?` (exactly one UTF-16 code unit), compiled once
 * per pattern into a closure: no regex, no allocation per call. Case-sensitive; callers that need
 * case-insensitivity (actions, POL-3) lower-case both sides once.
 *
 * Why no backtracking: a pattern is `head * mid1 * … * tail` where every segment has a fixed length (`?`
 * is one unit), so anchoring head and tail and placing each middle segment at its leftmost fit is optimal.
 */
export type GlobMatcher = (value: string) => boolean;

const QUESTION = 63; // '?'

export function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

const matchAny: GlobMatcher = () => true;

/** Does `segment` (which may contain `?`) match `value` at `pos`? The caller checks the length. */
function segmentAt(value: string, pos: number, segment: string): boolean {
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c !== QUESTION && c !== value.charCodeAt(pos + i)) return false;
  }
  return true;
}

/** Leftmost position in [from, last] where `segment` matches, or -1. */
function findSegment(value: string, from: number, last: number, segment: string, plain: boolean): number {
  if (plain) {
    const at = value.indexOf(segment, from);
    return at >= 0 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (segmentAt(value, at, segment)) return at;
  return -1;
}

function compileStarOnly(head: string, tail: string): GlobMatcher {
  if (tail === '') return (v) => v.startsWith(head);
  if (head === '') return (v) => v.endsWith(tail);
  const min = head.length + tail.length;
  return (v) => v.length >= min && v.startsWith(head) && v.endsWith(tail);
}

export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === '*') return matchAny;
  const hasQuestion = pattern.includes('?');
  if (!pattern.includes('*')) {
    if (!hasQuestion) return (v) => v === pattern;
    return (v) => v.length === pattern.length && segmentAt(v, 0, pattern);
  }
  const segments = pattern.split('*');
  const head = segments[0] ?? '';
  const tail = segments[segments.length - 1] ?? '';
  const middles = segments.slice(1, -1).filter((s) => s !== '');
  if (!hasQuestion && middles.length === 0) return compileStarOnly(head, tail);
  const plain = middles.map((s) => !s.includes('?'));
  const min = segments.reduce((n, s) => n + s.length, 0);
  return (v) => {
    if (v.length < min || !segmentAt(v, 0, head)) return false;
    const tailStart = v.length - tail.length;
    if (!segmentAt(v, tailStart, tail)) return false;
    let pos = head.length;
    for (let i = 0; i < middles.length; i++) {
      const mid = middles[i] as string;
      const at = findSegment(v, pos, tailStart - mid.length, mid, plain[i] === true);
      if (at < 0) return false;
      pos = at + mid.length;
    }
    return true;
  };
}
