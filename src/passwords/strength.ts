import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import type * as LanguageEn from '@zxcvbn-ts/language-en';

/**
 * PWD-6: the common-password list and the strength estimate both come from zxcvbn-ts's shipped data.
 * Building the matcher costs ~270 ms (it ranks every dictionary), so it is built once, on first use, and
 * not at import: modules that never judge a password (e.g. the login path) do not pay for it. The data
 * modules themselves (~37 MB resident) are loaded on first use too, synchronously through `require` (the
 * packages ship CommonJS), so a gateway that sets no password after a restart never holds them (DESIGN §5
 * idle memory) and the callers stay synchronous.
 */
const load = createRequire(import.meta.url);
type Common = typeof LanguageCommon;
type En = typeof LanguageEn;
let zxcvbn: ZxcvbnFactory | undefined;
let commonPasswords: ReadonlySet<string> | undefined;

function matcher(): ZxcvbnFactory {
  if (zxcvbn !== undefined) return zxcvbn;
  const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof ZxcvbnCore;
  const common = load('@zxcvbn-ts/language-common') as Common;
  const en = load('@zxcvbn-ts/language-en') as En;
  zxcvbn = new Factory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    translations: en.translations,
  });
  return zxcvbn;
}

/** A run of digits and allowed specials at the end: `Password1!` and `password2024#` both reduce to `password`. */
const TRAILING_SUFFIX = /[0-9!@#$%&*^]+$/;

/**
 * True when the password, lower-cased, is on the list as it is or once its trailing digit/special suffix
 * is stripped. Only a trailing suffix is stripped (not a prefix or infix): that is the common way people
 * "satisfy" composition rules, and stripping more would refuse random strings that merely end in a word.
 */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set((load('@zxcvbn-ts/language-common') as Common).dictionary['passwords-common']);
  const lower = password.toLowerCase();
  const stripped = lower.replace(TRAILING_SUFFIX, '');
  return commonPasswords.has(lower) || (stripped !== '' && commonPasswords.has(stripped));
}

/** zxcvbn score 0–4; the user's own names count as guessable words (they are the first thing an attacker tries). */
export function strengthScore(password: string, userInputs: readonly string[]): number {
  return matcher().check(password, userInputs.filter((s) => s !== '')).score;
}
