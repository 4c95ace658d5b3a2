import type { Config } from '../config/schema.js';
import { validationFailed, type AppError, type ErrorCode } from '../errors.js';
import { isCommonPassword, strengthScore } from './strength.js';

/** The password section of the config: lengths, expiry, reuse default, strength threshold, argon2 params. */
export type PasswordPolicy = Config['passwords'];

/** Every rule code is an ERROR_CODES entry (pinned API); PASSWORD_REJECTED is the envelope, not a rule. */
export type PasswordRuleCode = Exclude<Extract<ErrorCode, `PASSWORD_${string}`>, 'PASSWORD_REJECTED'>;

export interface PasswordViolation {
  code: PasswordRuleCode;
  message: string;
}

/** Who the password is for: PWD-3 forbids these names inside it, and zxcvbn treats them as guessable. */
export interface PasswordIdentity {
  username: string;
  accountId: string;
  accountAlias?: string | undefined;
}

/** PWD-2: the only characters allowed besides ASCII letters and digits. */
export const SPECIAL_CHARACTERS = '!@#$%&*^';

const MAX_REPEAT = 3; // PWD-4: `aaa` allowed, `aaaa` refused
const SEQUENCE_LENGTH = 4; // PWD-5: `abc` allowed, `abcd` refused

type Rule = (password: string, identity: PasswordIdentity, policy: PasswordPolicy) => PasswordViolation[];

const violation = (code: PasswordRuleCode, message: string): PasswordViolation[] => [{ code, message }];

/** Length is counted in code points, so an emoji counts as one character in the message (it is refused anyway). */
const length: Rule = (pw, _id, { minLength, maxLength }) => {
  const n = [...pw].length;
  if (n < minLength)
    return violation('PASSWORD_TOO_SHORT', `Use at least ${minLength} characters (this one has ${n}).`);
  if (n > maxLength) return violation('PASSWORD_TOO_LONG', `Use at most ${maxLength} characters (this one has ${n}).`);
  return [];
};

const classes: Rule = (pw) => [
  ...(/[A-Z]/.test(pw) ? [] : violation('PASSWORD_MISSING_UPPERCASE', 'Add an uppercase letter (A–Z).')),
  ...(/[a-z]/.test(pw) ? [] : violation('PASSWORD_MISSING_LOWERCASE', 'Add a lowercase letter (a–z).')),
  ...(/[0-9]/.test(pw) ? [] : violation('PASSWORD_MISSING_DIGIT', 'Add a digit (0–9).')),
  ...([...SPECIAL_CHARACTERS].some((c) => pw.includes(c))
    ? []
    : violation('PASSWORD_MISSING_SPECIAL', `Add one of the special characters ${[...SPECIAL_CHARACTERS].join(' ')}.`)),
];

const ALLOWED = /^[A-Za-z0-9!@#$%&*^]$/u;

/** Names each refused character once (JSON-quoted so a space or a control character is visible). */
const characters: Rule = (pw) => {
  const bad = [...new Set([...pw].filter((c) => !ALLOWED.test(c)))];
  if (bad.length === 0) return [];
  const list = bad.map((c) => JSON.stringify(c)).join(', ');
  return violation(
    'PASSWORD_INVALID_CHARACTER',
    `Only letters A–Z and a–z, digits and ${[...SPECIAL_CHARACTERS].join(' ')} are allowed; remove ${list}.`,
  );
};

const containsFolded = (pw: string, part: string | undefined): boolean =>
  part !== undefined && part !== '' && pw.toLowerCase().includes(part.toLowerCase());

const names: Rule = (pw, { username, accountId, accountAlias }) => [
  ...(containsFolded(pw, username) ? violation('PASSWORD_CONTAINS_USERNAME', 'Do not include the username.') : []),
  ...(containsFolded(pw, accountId) || containsFolded(pw, accountAlias)
    ? violation('PASSWORD_CONTAINS_ACCOUNT', 'Do not include the account id or alias.')
    : []),
];

/**
 * PWD-4, case-insensitive: `aaaA` counts as four of the same letter, as it does for a person reading it.
 * The messages never quote the offending part of the password, so logged error details stay secret-free.
 */
const repeats: Rule = (pw) => {
  const folded = pw.toLowerCase();
  let run = 1;
  for (let i = 1; i < folded.length; i++) {
    run = folded[i] === folded[i - 1] ? run + 1 : 1;
    if (run > MAX_REPEAT)
      return violation(
        'PASSWORD_REPEATED_CHARACTERS',
        `Do not repeat a character more than ${MAX_REPEAT} times in a row.`,
      );
  }
  return [];
};

/** 'letter' | 'digit' | undefined: a sequence only continues within one class. */
const classOf = (c: string): 'letter' | 'digit' | undefined =>
  /[a-z]/.test(c) ? 'letter' : /[0-9]/.test(c) ? 'digit' : undefined;

/**
 * PWD-5, case-insensitive (`dCbA` is a sequence). A run continues only while each character is the next
 * (or previous) code point *of the same class*: letters and digits never chain (`xyz0`, `89ab` are not
 * sequences) and nothing wraps around (`yzab`, `8901` are not sequences).
 */
const sequences: Rule = (pw) => {
  const folded = pw.toLowerCase();
  let run = 1;
  let step = 0;
  for (let i = 1; i < folded.length; i++) {
    const prev = folded[i - 1] ?? '';
    const cur = folded[i] ?? '';
    const d = cur.charCodeAt(0) - prev.charCodeAt(0);
    const chained = (d === 1 || d === -1) && classOf(cur) !== undefined && classOf(cur) === classOf(prev);
    run = chained ? (d === step ? run + 1 : 2) : 1;
    step = chained ? d : 0;
    if (run >= SEQUENCE_LENGTH)
      return violation(
        'PASSWORD_SEQUENTIAL_CHARACTERS',
        `Do not use ${SEQUENCE_LENGTH} or more consecutive letters or digits in a row, ascending or descending.`,
      );
  }
  return [];
};

const commonList: Rule = (pw) =>
  isCommonPassword(pw)
    ? violation('PASSWORD_TOO_COMMON', 'This password is on a list of commonly used passwords; choose another.')
    : [];

/** The rules that cost microseconds; the zxcvbn estimate below costs milliseconds. */
const FAST_RULES: readonly Rule[] = [length, classes, characters, names, repeats, sequences, commonList];

/** Every rule of PWD-1..6 except the strength estimate: cheap enough to run in a generator's retry loop. */
export function checkFastRules(
  password: string,
  identity: PasswordIdentity,
  policy: PasswordPolicy,
): PasswordViolation[] {
  return FAST_RULES.flatMap((rule) => rule(password, identity, policy));
}

/**
 * PWD-6 strength. Skipped for a password already refused as too long: zxcvbn's cost grows with the input
 * (up to ~90 ms for 20 characters on the event loop), so an oversized input must not reach it.
 */
export function checkStrength(
  password: string,
  identity: PasswordIdentity,
  policy: PasswordPolicy,
): PasswordViolation[] {
  if ([...password].length > policy.maxLength) return [];
  const inputs = [identity.username, identity.accountId, identity.accountAlias ?? ''];
  const score = strengthScore(password, inputs);
  return score < policy.minStrengthScore
    ? violation(
        'PASSWORD_TOO_WEAK',
        `This password is too easy to guess (strength ${score} of 4; at least ${policy.minStrengthScore} needed).`,
      )
    : [];
}

/** PWD-1..6 and PWD-9: every synchronous rule, all violations at once. History (PWD-7) is async: see index.ts. */
export function checkPassword(
  password: string,
  identity: PasswordIdentity,
  policy: PasswordPolicy,
): PasswordViolation[] {
  return [...checkFastRules(password, identity, policy), ...checkStrength(password, identity, policy)];
}

/** One 400 `PASSWORD_REJECTED` whose `details.violations` lists each broken rule with `path: 'password'`. */
export function passwordRejected(violations: readonly PasswordViolation[]): AppError {
  return validationFailed(
    violations.map((v) => ({ path: 'password', ...v })),
    'PASSWORD_REJECTED',
  );
}
