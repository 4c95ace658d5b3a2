import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { PasswordPolicy } from './rules.js';

/**
 * PWD-10: argon2id through @node-rs/argon2, async only — the async calls run on libuv's pool, while the
 * *Sync variants would block the event loop for a whole hash (~28 ms at OWASP params, toolchain.md §3.1).
 * `algorithm` is left out on purpose: argon2id is the library default, and its `Algorithm` const enum
 * cannot be imported under isolatedModules (toolchain.md §2.5, pitfall 6). A test asserts `$argon2id$`.
 */
export type Argon2Params = PasswordPolicy['argon2'];

export function hashPassword(password: string, params: Argon2Params): Promise<string> {
  return hash(password, {
    memoryCost: params.memoryCostKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  });
}

/** False for a wrong password and for anything that is not a parseable argon2 hash: a corrupt record must not crash a login. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

export interface PhcParams {
  algorithm: string;
  version: number;
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>; the version field is optional in the PHC format (absent = 0x10).
const PHC = /^\$(argon2(?:id|i|d))\$(?:v=(\d+)\$)?m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** The parameters a stored hash was made with, or undefined when it is not an argon2 PHC string. */
export function parsePhc(stored: string): PhcParams | undefined {
  const m = PHC.exec(stored);
  if (!m) return undefined;
  const [, algorithm = '', v = '16', mem = '', t = '', p = ''] = m;
  return { algorithm, version: Number(v), memoryCostKiB: Number(mem), timeCost: Number(t), parallelism: Number(p) };
}

const CURRENT_VERSION = 19; // argon2 v1.3 (0x13)

/**
 * True when the stored hash is weaker than the configured parameters in any respect, or is not argon2id
 * v1.3 at all. A stronger stored parameter (say after a config rollback) is not a reason to rehash.
 */
export function needsRehash(stored: string, params: Argon2Params): boolean {
  const phc = parsePhc(stored);
  if (!phc || phc.algorithm !== 'argon2id' || phc.version < CURRENT_VERSION) return true;
  return (
    phc.memoryCostKiB < params.memoryCostKiB || phc.timeCost < params.timeCost || phc.parallelism < params.parallelism
  );
}

/** A hash of a random secret nobody knows, made with the given parameters (LOGIN-3). */
export function makeDummyHash(params: Argon2Params): Promise<string> {
  return hashPassword(randomBytes(16).toString('base64url'), params);
}

/**
 * LOGIN-3: a login for an unknown user runs one verify at the configured cost, so its timing matches a
 * known user's wrong password. The dummy hash is made once, on first use; that first call therefore
 * costs a hash plus a verify, every later one a single verify.
 */
export function createDummyVerifier(params: Argon2Params): () => Promise<void> {
  let dummy: Promise<string> | undefined;
  return async () => {
    dummy ??= makeDummyHash(params);
    await verifyPassword(await dummy, 'not-the-password');
  };
}
