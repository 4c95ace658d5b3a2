import { expect, it } from '@jest/globals';
import { buildApp } from '../../../src/app.js';
import { bootstrapIfEmpty } from '../../../src/bootstrap.js';
import { ConfigError, testConfig } from '../../../src/config/load.js';
import { checkPassword } from '../../../src/passwords/index.js';

it('bootstrap creates the first account through the account service, once (TEN-1, ENT-7, ENT-8)', async () => {
  const gw = await buildApp(testConfig({ IAMGW_BOOTSTRAP_ACCOUNT_ALIAS: 'first' }));
  try {
    const boot = await bootstrapIfEmpty(gw);
    expect(boot).toMatchObject({ alias: 'first', rootUserName: 'root', loginUrl: 'http://localhost:8080/login/first' });
    expect(
      checkPassword(
        boot?.generatedPassword ?? '',
        { username: 'root', accountId: boot?.accountId ?? '', accountAlias: 'first' },
        gw.config.passwords,
      ),
    ).toEqual([]);
    const account = await gw.store.accounts.get(boot?.accountId ?? '', boot?.accountId ?? '');
    const root = await gw.store.users.get(account?.id ?? '', account?.rootUserId ?? '');
    expect(root).toMatchObject({ name: 'root', kind: 'root', state: 'active' });
    expect((await gw.store.policies.list(account?.id ?? '', { type: 'default' })).items).toHaveLength(4);
    expect(await bootstrapIfEmpty(gw)).toBeNull();
  } finally {
    await gw.close();
  }
});

it('a configured root password that breaks rules stops bootstrap as a config error naming each rule (PWD-9, OPS-1)', async () => {
  const password = 'rootabcd'; // short, no upper case, digit or special, holds the user name and a run
  const gw = await buildApp(testConfig({ IAMGW_BOOTSTRAP_ROOT_PASSWORD: password }));
  try {
    const err: unknown = await bootstrapIfEmpty(gw).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    const broken = checkPassword(password, { username: 'root', accountId: 'f'.repeat(32) }, gw.config.passwords);
    expect(broken.length).toBeGreaterThanOrEqual(5);
    expect((err as ConfigError).problems).toEqual(
      broken.map((v) => `bootstrap.rootPassword (IAMGW_BOOTSTRAP_ROOT_PASSWORD): ${v.code}: ${v.message}`),
    );
    expect((err as Error).message).not.toContain(password);
    expect(await gw.store.accounts.countAll()).toBe(0); // nothing half-made: the next start tries again
  } finally {
    await gw.close();
  }
});
