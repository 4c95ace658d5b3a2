import type { Gateway } from './app.js';
import { ConfigError } from './config/load.js';
import { isAppError, type AppError, type Violation } from './errors.js';
import { ROOT_USER_NAME } from './iam/index.js';

/**
 * First start with an empty store: create one account with a root user (ENT-8) so a fresh `npm start` has
 * someone who can log in. The account service does the work, so the first account gets the same built-in
 * policies and checks as every other. The root password comes from config
 * (IAMGW_BOOTSTRAP_ROOT_PASSWORD) or is generated and returned to the caller, which prints it once; it is
 * never logged or stored in clear. Running it on a non-empty store does nothing, so restarts and several
 * instances starting together are safe (a lost race on the alias is an ALREADY_EXISTS the caller can ignore).
 * A configured root password that breaks a rule stops start-up as a config error naming every broken rule
 * (PWD-9, OPS-1), as the API's PASSWORD_REJECTED lists them.
 */
export interface BootstrapResult {
  accountId: string;
  alias: string | null;
  rootUserName: string;
  /** Set only when the password was generated here. */
  generatedPassword: string | null;
  loginUrl: string;
}

export { ROOT_USER_NAME };

export async function bootstrapIfEmpty(gw: Pick<Gateway, 'config' | 'store' | 'iam'>): Promise<BootstrapResult | null> {
  const { config, store, iam } = gw;
  if ((await store.accounts.countAll()) > 0) return null;
  const alias = config.bootstrap.accountAlias || null;
  const { account, root } = await iam.accounts
    .create(
      {
        name: alias ?? 'default',
        alias,
        ...(config.bootstrap.rootEmail ? { rootEmail: config.bootstrap.rootEmail } : {}),
        ...(config.bootstrap.rootPassword ? { rootPassword: config.bootstrap.rootPassword } : {}),
      },
      'bootstrap',
    )
    .catch((err: unknown) => {
      throw isAppError(err) && err.code === 'PASSWORD_REJECTED' ? rootPasswordRefused(err) : err;
    });
  return {
    accountId: account.id,
    alias: account.alias,
    rootUserName: root.username,
    generatedPassword: root.password,
    loginUrl: root.loginUrl,
  };
}

/** One problem line per broken rule, with its stable code and message; never the password itself. */
function rootPasswordRefused(err: AppError): ConfigError {
  const details = err.details as { violations?: Violation[] } | undefined;
  const rules = details?.violations ?? [];
  const setting = 'bootstrap.rootPassword (IAMGW_BOOTSTRAP_ROOT_PASSWORD)';
  if (rules.length === 0) return new ConfigError([`${setting}: ${err.message}`]);
  return new ConfigError(rules.map((v) => `${setting}: ${v.code}: ${v.message}`));
}
