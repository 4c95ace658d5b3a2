/**
 * A strict JSON reader for policy text. `JSON.parse` silently keeps the last of two equal keys, which can
 * drop a condition (item 5), so this parser reports every repeated key with its JSON path. It builds the
 * same values as `JSON.parse` otherwise (null-prototype objects, so `__proto__` is just a key).
 */
import { childPath } from './issues.js';

export interface JsonReadResult {
  readonly value: unknown;
  readonly duplicates: readonly string[];
  readonly error: string | undefined;
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters inside strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Reader {
  pos = 0;
  readonly duplicates: string[] = [];
  constructor(private readonly text: string) {}

  sticky(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    return re.exec(this.text);
  }

  fail(what: string): never {
    throw new SyntaxError(`${what} at offset ${this.pos}`);
  }

  skip(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos++;
  }

  value(path: string): unknown {
    this.skip();
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return this.string();
    const m = this.sticky(LITERAL);
    if (m === null) this.fail('unexpected token');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as unknown;
  }

  string(): string {
    const m = this.sticky(STRING);
    if (m === null) this.fail('invalid string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  expect(c: string): void {
    this.skip();
    if (this.text.charAt(this.pos) !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }

  /** Reads `open`, then items separated by commas until `close`. */
  list(open: string, close: string, item: () => void): void {
    this.expect(open);
    this.skip();
    if (this.text.charAt(this.pos) === close) {
      this.pos++;
      return;
    }
    for (;;) {
      item();
      this.skip();
      const c = this.text.charAt(this.pos++);
      if (c === close) return;
      if (c !== ',') this.fail(`expected "," or "${close}"`);
    }
  }

  object(path: string): Record<string, unknown> {
    const out = Object.create(null) as Record<string, unknown>;
    this.list('{', '}', () => {
      this.skip();
      const key = this.string();
      this.expect(':');
      const keyPath = childPath(path, key);
      if (Object.hasOwn(out, key)) this.duplicates.push(keyPath);
      out[key] = this.value(keyPath);
    });
    return out;
  }

  array(path: string): unknown[] {
    const out: unknown[] = [];
    this.list('[', ']', () => out.push(this.value(childPath(path, out.length))));
    return out;
  }
}

export function readJson(text: string): JsonReadResult {
  const reader = new Reader(text);
  try {
    const value = reader.value('$');
    reader.skip();
    if (reader.pos !== text.length) reader.fail('unexpected text after the document');
    return { value, duplicates: reader.duplicates, error: undefined };
  } catch (e) {
    return { value: undefined, duplicates: reader.duplicates, error: e instanceof Error ? e.message : String(e) };
  }
}

/** UTF-8 length without Buffer or TextEncoder, so the module stays free of platform APIs. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
