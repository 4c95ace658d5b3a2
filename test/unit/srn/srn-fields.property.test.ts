/** The hot-path SRN parser (one regex + indexOf) accepts exactly what `parseSrn` accepts, with the same fields. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseSrn } from '../../../src/srn/index.js';
import { parseSrnFields } from '../../../src/srn/srn.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const VALID = [
  `srn:e::${A}:kr-west1::scp-iam:user/abc33`,
  `srn:cloud-2::${A}:::object-store:bucket/a/b:c/d`,
  `srn:e::${A}:ap-1::virtual-servers:Instance_9/i-ü`,
];
// Characters that sit on a boundary of some rule: separators, wildcards, spaces, case, non-ASCII, surrogates.
const CHARS = [
  ':',
  '/',
  '*',
  '?',
  ' ',
  '\t',
  '\n',
  '-',
  '_',
  'a',
  'A',
  'z',
  'f',
  'g',
  '0',
  '9',
  '\u007f',
  '\u0080',
  'é',
  '\ud800',
  '~',
  '!',
];

function agrees(text: string): void {
  const r = parseSrn(text);
  const f = parseSrnFields(text);
  if (!r.ok) return expect(f).toBeUndefined();
  const { offering, account, region, service, resourceType, resourceId } = r.srn;
  expect(f).toEqual({ offering, account, region, service, typeId: `${resourceType}/${resourceId}`, resourceType });
}

describe('parseSrnFields ≡ parseSrn', () => {
  it('on valid SRNs with one character inserted, replaced or removed anywhere', () => {
    const edit = fc.tuple(
      fc.constantFrom(...VALID),
      fc.nat(),
      fc.constantFrom(...CHARS),
      fc.constantFrom('insert', 'replace', 'remove'),
    );
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = edits[0]![0];
        for (const [, at, c, how] of edits) {
          const i = at % (text.length + 1);
          text =
            how === 'insert'
              ? text.slice(0, i) + c + text.slice(i)
              : text.slice(0, i) + (how === 'replace' ? c : '') + text.slice(i + 1);
        }
        agrees(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('on random strings of SRN-ish characters', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CHARS, `srn:e::${A}:`, '::', 'srn:'), { maxLength: 12 }), (parts) =>
        agrees(parts.join('')),
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses non-strings without throwing', () => {
    for (const v of [undefined, null, 42, { toString: () => VALID[0] }])
      expect(parseSrnFields(v as unknown as string)).toBeUndefined();
  });
});
