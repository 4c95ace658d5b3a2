import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Sealer } from '../crypto/index.js';
import { ConsoleAccess } from '../console-access/index.js';
import type { SessionIssuer } from '../issuer/index.js';
import { LockoutService } from '../login/lockout.js';
import { MfaService, SecurityAudit } from '../mfa/index.js';
import type { PasswordService } from '../passwords/index.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Store } from '../store/ports.js';
import { SecuritySettings } from './index.js';
import { ProfileService } from './profile.js';
import { Reconfirmation } from './reconfirm.js';
import { AccountSwitch } from './switch.js';

export interface SecurityServices {
  mfa: MfaService;
  consoleAccess: ConsoleAccess;
  reconfirm: Reconfirmation;
  profile: ProfileService;
  security: SecuritySettings;
  switcher: AccountSwitch;
}

/** Builds the MFA / IP control / My Info services once (called from the composition root, src/app.ts). */
export function createSecurityServices(d: {
  config: Config;
  store: Store;
  sessions: SessionStore;
  passwords: PasswordService;
  clock: Clock;
  issuer: SessionIssuer;
  sealer: Sealer;
}): SecurityServices {
  const { config, store, sessions, passwords, clock, issuer, sealer } = d;
  const audit = new SecurityAudit(store.audit);
  const mfaConfig = { ...config.mfa, lockout: config.lockout };
  const mfa = new MfaService({ users: store.users, sessions, clock, audit, sealer, config: mfaConfig });
  const consoleAccess = new ConsoleAccess({ users: store.users, audit });
  const reconfirm = new Reconfirmation({
    sessions,
    issuer,
    passwords,
    clock,
    audit,
    threshold: config.lockout.reconfirmThreshold,
    sessionTtlMs: config.sessions.absoluteTtlSeconds * 1000,
  });
  return {
    mfa,
    consoleAccess,
    reconfirm,
    profile: new ProfileService({ users: store.users, passwords, sessions, clock, audit, reconfirm }),
    security: new SecuritySettings({ mfa, reconfirm, consoleAccess }),
    switcher: new AccountSwitch({
      users: store.users,
      accounts: store.accounts,
      issuer,
      lockout: new LockoutService(sessions, config.lockout),
      consoleAccess,
      mfa,
      passwords,
      audit,
      reconfirm,
    }),
  };
}
