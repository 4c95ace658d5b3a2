import { randomInt } from 'node:crypto';
import {
  checkFastRules,
  checkStrength,
  SPECIAL_CHARACTERS,
  type PasswordIdentity,
  type PasswordPolicy,
} from './rules.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const CLASSES = [UPPER, LOWER, DIGITS, SPECIAL_CHARACTERS] as const;
const ALPHABET = CLASSES.join('');

/** 16 of 70 symbols ≈ 98 bits; zxcvbn's top score needs ≥ 10^10 guesses (≈ 33 bits). */
export const GENERATED_LENGTH = 16;

/**
 * A redraw happens when a rule refuses a candidate (≈ 5% of draws: a sequence, a repeat, or a one-letter
 * username). Hitting this bound means the policy cannot be met (e.g. maxLength < 4), not bad luck.
 */
const MAX_ATTEMPTS = 1000;

const pick = (chars: string): string => chars[randomInt(chars.length)] ?? '';

/** One of each class, then uniform fill, then a Fisher–Yates shuffle — all from the CSPRNG. */
function draw(length: number): string {
  const chars = [...CLASSES.map(pick), ...Array.from({ length: length - CLASSES.length }, () => pick(ALPHABET))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

function generateUntil(accept: (candidate: string) => boolean, policy: PasswordPolicy): string {
  const length = Math.min(Math.max(GENERATED_LENGTH, policy.minLength), policy.maxLength);
  if (length >= CLASSES.length) {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const candidate = draw(length);
      if (accept(candidate)) return candidate;
    }
  }
  throw new Error(`cannot generate a password that satisfies the policy (length ${length})`);
}

/**
 * ENT-2 core: a random password passing every cheap rule (length, classes, characters, names, repeats,
 * sequences, common list). Strength is by construction (98 bits); the property test checks it with
 * zxcvbn on a sample, because zxcvbn costs ~17 ms per call on such strings.
 */
export function generatePassword(identity: PasswordIdentity, policy: PasswordPolicy): string {
  return generateUntil((pw) => checkFastRules(pw, identity, policy).length === 0, policy);
}

/** What the service hands out: the above, confirmed by zxcvbn too, so it satisfies every rule of §3. */
export function generateStrongPassword(identity: PasswordIdentity, policy: PasswordPolicy): string {
  return generateUntil(
    (pw) => checkFastRules(pw, identity, policy).length === 0 && checkStrength(pw, identity, policy).length === 0,
    policy,
  );
}
