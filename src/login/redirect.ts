/**
 * LOGIN-1: after login the browser goes only to a console path of this site. Anything else — absolute
 * URLs, scheme-relative `//evil`, `/\evil` (browsers read `\` as `/`), `javascript:`, control characters,
 * and percent-encoded variants of all of these — falls back to the console home. An allow-list of one
 * prefix is easier to get right than a deny-list of tricks.
 */
export const CONSOLE_HOME = '/console';

const MAX_LENGTH = 2048;
// Resolved against a fixed base: a same-origin result proves the input was a relative path.
const BASE = 'https://gateway.invalid';
const MAX_DECODE_ROUNDS = 4;
// A `..` segment that only appears after decoding would be resolved by a server that decodes twice.
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$|[?#])/;

function looksSafe(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return false;
  if (!path.startsWith('/') || path.startsWith('//')) return false;
  return (
    path === CONSOLE_HOME ||
    path.startsWith(`${CONSOLE_HOME}/`) ||
    path.startsWith(`${CONSOLE_HOME}?`) ||
    path.startsWith(`${CONSOLE_HOME}#`)
  );
}

/** Every decoding of `raw` a browser or a proxy might apply (double-encoding included) must look safe. */
function allDecodingsSafe(raw: string): boolean {
  let current = raw;
  for (let i = 0; i < MAX_DECODE_ROUNDS; i++) {
    if (!looksSafe(current)) return false;
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return false; // malformed escapes: refuse rather than guess
    }
    if (next === current) return true;
    if (DOT_DOT_SEGMENT.test(next)) return false;
    current = next;
  }
  return false; // still changing after several rounds: deliberately obfuscated
}

/** The target to redirect to: `raw` normalised when it is a console path, else the console home. */
export function safeRedirect(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return CONSOLE_HOME;
  if (!allDecodingsSafe(raw)) return CONSOLE_HOME;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return CONSOLE_HOME;
  }
  if (url.origin !== BASE) return CONSOLE_HOME;
  const out = `${url.pathname}${url.search}${url.hash}`;
  // `/console/../admin` normalises out of the prefix: check the result too.
  return looksSafe(out) ? out : CONSOLE_HOME;
}
