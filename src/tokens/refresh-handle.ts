import type { TokenSecrets } from './secrets.js';

/**
 * Opaque refresh handles (TOK-4): `<sid>.<chain>.<generation>.<issuedAtMs>.<mac>`. The MAC makes a handle
 * unforgeable without any storage, so only handles the gateway issued can be judged "reused": a stranger
 * who knows a token's `sid` cannot end that session by posting made-up handles. Single use is enforced
 * by a replay marker per (chain, generation) in the SessionStore (`setIfAbsent`); a second use of a
 * generation, whoever sends it, ends the session (the stolen-handle signal of RFC 9700 §4.14.2).
 */
export interface RefreshHandle {
  /** The `sid` claim form (encrypted session id). */
  sid: string;
  /** Random per login; each refresh continues the chain with generation + 1. */
  chain: string;
  generation: number;
  issuedAtMs: number;
}

export function encodeHandle(secrets: TokenSecrets, h: RefreshHandle): string {
  const body = `${h.sid}.${h.chain}.${h.generation}.${h.issuedAtMs}`;
  return `${body}.${secrets.mac(body)}`;
}

/** The handle, or null when it is malformed or its MAC does not match. */
export function decodeHandle(secrets: TokenSecrets, text: string): RefreshHandle | null {
  const parts = text.split('.');
  if (parts.length !== 5) return null;
  const [sid = '', chain = '', generation = '', issuedAt = '', mac = ''] = parts;
  if (!/^\d{1,9}$/.test(generation) || !/^\d{1,15}$/.test(issuedAt)) return null;
  if (!secrets.macMatches(parts.slice(0, 4).join('.'), mac)) return null;
  return { sid, chain, generation: Number(generation), issuedAtMs: Number(issuedAt) };
}

/** Replay-marker key of one generation of a chain. */
export const handleUseKey = (h: RefreshHandle): string => `tokens:refresh-used:${h.chain}:${h.generation}`;
