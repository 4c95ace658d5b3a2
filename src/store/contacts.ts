import type { Contact, ContactKind } from './ports.js';

/**
 * Contact normal forms for the global verified-contact lookup (LOGIN-8): an e-mail address trimmed and
 * lower-cased; a phone number reduced to its digits, keeping a leading `+` (so "+82 10-1234-5678" and
 * "+821012345678" are one number). An empty normal form never matches anything.
 */
export function normaliseContact(kind: ContactKind, value: string): string {
  if (kind === 'email') return value.trim().toLowerCase();
  const trimmed = value.trim();
  const digits = trimmed.replace(/[^0-9]/g, '');
  return digits.length === 0 ? '' : `${trimmed.startsWith('+') ? '+' : ''}${digits}`;
}

/** The lookup key of a stored contact: its normal form when verified, otherwise null (unverified never matches). */
export function verifiedContactKey(kind: ContactKind, contact: unknown): string | null {
  const c = contact as Contact | null | undefined;
  if (!c || c.verified !== true || typeof c.value !== 'string') return null;
  return normaliseContact(kind, c.value) || null;
}

/** Upper bound of one lookup: one person rarely holds more identities, and the answer must stay small. */
export const MAX_CONTACT_MATCHES = 50;

/** The derived field each adapter keys the lookup on (mongo stores and indexes it; memory derives it). */
export const CONTACT_KEY_FIELDS: Readonly<Record<ContactKind, string>> = {
  email: 'verifiedEmailKey',
  phone: 'verifiedPhoneKey',
};
