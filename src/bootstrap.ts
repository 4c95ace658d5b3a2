import type { Gateway } from './app.js';
import { ROOT_USER_NAME } from './iam/index.js';

/**
 * First start with an empty store: create one account with a root user (ENT-8) so a fresh `npm start` has
 * someone who can log in. The account service does the work, so the first account gets the same built-in
 * policies and checks as every other. The root password comes from config
 * (IAMGW_BOOTSTRAP_ROOT_PASSWORD) or is generated and returned to the caller, which prints it once; it is
 * never logged or stored in clear. Running it on a non-empty store does nothing, so restarts and several
 * instances starting together are safe (a lost race on the alias is an ALREADY_EXISTS the caller can ignore).
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
  const { account, root } = await iam.accounts.create(
    {
      name: alias ?? 'default',
      alias,
      ...(config.bootstrap.rootEmail ? { rootEmail: config.bootstrap.rootEmail } : {}),
      ...(config.bootstrap.rootPassword ? { rootPassword: config.bootstrap.rootPassword } : {}),
    },
    'bootstrap',
  );
  return { accountId: account.id, alias: account.alias, rootUserName: root.username, generatedPassword: root.password, loginUrl: root.loginUrl };
}
