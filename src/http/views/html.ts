/**
 * Server-rendered pages (LOGIN-1): plain HTML, one stylesheet, no inline script or style (the CSP is
 * `default-src 'self'`). Every interpolated value goes through `esc` — the `html` tag does it for you, and
 * only values wrapped by `raw` (other rendered fragments) are inserted as they are.
 */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML; objects have no text of their own, so they render as nothing rather than `[object Object]`. */
export function esc(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : '';
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** A fragment that is already HTML (the output of `html`). */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string): Raw => new Raw(value);

type Part = string | number | Raw | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Raw) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return esc(part);
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export const STYLESHEET_PATH = '/assets/console.css';

export function page(title: string, body: Raw): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · IAM console</title>
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
      </head>
      <body>
        <main class="card">${body}</main>
      </body>
    </html> `.value;
}

/** Hidden CSRF field every form carries (LOGIN-6). */
export function csrfField(token: string): Raw {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}
