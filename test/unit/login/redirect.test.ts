import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CONSOLE_HOME, safeRedirect } from '../../../src/login/redirect.js';
import { OPEN_REDIRECT_ATTACKS } from './redirect-attacks.js';

describe('safeRedirect (LOGIN-1)', () => {
  it.each(OPEN_REDIRECT_ATTACKS)('refuses %s', (attack) => {
    expect(safeRedirect(attack)).toBe(CONSOLE_HOME);
  });

  it.each([
    ['/console', '/console'],
    ['/console/iam/users?page=2#top', '/console/iam/users?page=2#top'],
    ['/console?tab=sessions', '/console?tab=sessions'],
    ['/console/a/./b', '/console/a/b'],
  ])('keeps the console path %s', (input, expected) => {
    expect(safeRedirect(input)).toBe(expected);
  });

  it.each([undefined, null, 42, '', {}])('falls back to the home for %p', (input) => {
    expect(safeRedirect(input)).toBe(CONSOLE_HOME);
  });

  it('whatever the input, the result resolves to this origin under /console', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `/console/${s}`),
          fc.string().map((s) => `/${encodeURIComponent(s)}`),
        ),
        (input) => {
          const out = safeRedirect(input);
          const url = new URL(out, 'https://gw.example');
          expect(url.origin).toBe('https://gw.example');
          expect(url.pathname === '/console' || url.pathname.startsWith('/console/')).toBe(true);
          // eslint-disable-next-line no-control-regex -- the attack: a backslash or control character kept in the URL
          expect(out).not.toMatch(/[\\\u0000-\u001f]/);
          expect(out.startsWith('//')).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
