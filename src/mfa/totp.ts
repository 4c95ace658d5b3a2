import { generateSecret, generateURI, verify as verifyOtp } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 defaults, what every authenticator app expects: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const CODE = /^\d{6}$/;

export interface TotpEnrolmentMaterial {
  /** Base32 secret, for typing into an app by hand. */
  secret: string;
  otpauthUri: string;
  /** The URI as an SVG QR code: inline markup (the CSP forbids `data:` images) … */
  qrSvg: string;
  /** … and the same image as a data URL for JSON clients. */
  qrDataUrl: string;
}

export async function newTotpMaterial(issuer: string, label: string): Promise<TotpEnrolmentMaterial> {
  const secret = generateSecret();
  const otpauthUri = generateURI({ issuer, label, secret });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUri, qrSvg, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString('base64')}` };
}

/**
 * The time step a code matched within ±`window` steps of `nowMs`, or null. otplib v13's `verify` resolves to
 * an object (`{ valid, timeStep, … }`), which is always truthy: only `valid === true` means a match
 * (toolchain.md §2.5 pitfall 9). The clock is injected through `epoch`, never read here.
 */
export async function matchTotp(secret: string, code: string, nowMs: number, window: number): Promise<number | null> {
  if (!CODE.test(code)) return null;
  const result = await verifyOtp({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: window * TOTP_PERIOD_SECONDS,
  });
  // The functional API's result type is the TOTP|HOTP union; only the TOTP one carries `timeStep`.
  return result.valid === true && 'timeStep' in result ? result.timeStep : null;
}
