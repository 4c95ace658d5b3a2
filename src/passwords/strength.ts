import { createRequire } from 'node:module';
import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { loadCommonData, loadEnglishData, type CommonData, type RankedList } from './dictionaries.js';

/**
 * PWD-6: the common-password list and the strength estimate both come from zxcvbn-ts's shipped data.
 * Nothing is loaded at import: modules that never judge a password (e.g. the login path) do not pay for
 * it, and a gateway that sets no password after a restart never holds it (DESIGN §5 memory). The common
 * list is loaded on the first password judged, the English lists and the matcher on the first strength
 * estimate, synchronously (the packages ship CommonJS), so the callers stay synchronous. The word lists are
 * held compactly (dictionaries.ts: ~6 MB instead of ~22 MB of zxcvbn's own ranked objects) and handed to
 * zxcvbn's dictionary matchers in place of the ranked objects it would build.
 */
const load = createRequire(import.meta.url);
let common: CommonData | undefined;
let zxcvbn: ZxcvbnFactory | undefined;

/** zxcvbn's private options: its matchers read `rankedDictionaries[name][word]` and the longest word per list. */
interface MatcherOptions {
  rankedDictionaries: Record<string, unknown>;
  rankedDictionariesMaxWordSize: Record<string, number>;
}

function matcher(): ZxcvbnFactory {
  if (zxcvbn !== undefined) return zxcvbn;
  const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof ZxcvbnCore;
  common ??= loadCommonData();
  const en = loadEnglishData();
  const factory = new Factory({ graphs: common.graphs, translations: en.translations });
  const options = (factory as unknown as { options?: Partial<MatcherOptions> }).options;
  if (typeof options?.rankedDictionaries !== 'object' || typeof options.rankedDictionariesMaxWordSize !== 'object')
    throw new Error('@zxcvbn-ts/core changed its options layout: see src/passwords/dictionaries.ts');
  const lists: Record<string, RankedList> = { ...common.lists, ...en.lists };
  options.rankedDictionaries = Object.fromEntries(
    Object.entries(lists).map(([name, list]) => [name, asRankedObject(list)]),
  );
  options.rankedDictionariesMaxWordSize = Object.fromEntries(
    Object.entries(lists).map(([name, list]) => [name, list.maxWordLength]),
  );
  zxcvbn = factory;
  return zxcvbn;
}

/** A list as the word → rank object zxcvbn indexes (property reads only: its Levenshtein option, which would enumerate, stays off). */
function asRankedObject(list: RankedList): object {
  return new Proxy(Object.create(null) as object, {
    get: (_target, word) => (typeof word === 'string' ? list.rank(word) : undefined),
  });
}

/** A run of digits and allowed specials at the end: `Password1!` and `password2024#` both reduce to `password`. */
const TRAILING_SUFFIX = /[0-9!@#$%&*^]+$/;

/**
 * True when the password, lower-cased, is on the list as it is or once its trailing digit/special suffix
 * is stripped. Only a trailing suffix is stripped (not a prefix or infix): that is the common way people
 * "satisfy" composition rules, and stripping more would refuse random strings that merely end in a word.
 */
export function isCommonPassword(password: string): boolean {
  common ??= loadCommonData();
  const list = common.lists['passwords-common'];
  if (list === undefined) throw new Error('@zxcvbn-ts/language-common has no passwords-common list');
  const lower = password.toLowerCase();
  const stripped = lower.replace(TRAILING_SUFFIX, '');
  return list.rank(lower) !== undefined || (stripped !== '' && list.rank(stripped) !== undefined);
}

/** zxcvbn score 0–4; the user's own names count as guessable words (they are the first thing an attacker tries). */
export function strengthScore(password: string, userInputs: readonly string[]): number {
  return strengthEstimate(password, userInputs).score;
}

/** The score with zxcvbn's guess estimate behind it (the tests compare both with zxcvbn's own matcher). */
export function strengthEstimate(password: string, userInputs: readonly string[]): { score: number; guesses: number } {
  const { score, guesses } = matcher().check(
    password,
    userInputs.filter((s) => s !== ''),
  );
  return { score, guesses };
}
