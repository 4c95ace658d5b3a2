import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Account } from '../../src/store/ports.js';
import {
  NO_THROTTLE,
  PASSWORD,
  createAccount,
  createUser,
  startGateway,
  type TestGateway,
} from '../integration/login/helpers.js';
import { policy, role } from '../integration/roles/console-switch.helpers.js';

/**
 * ROLE-3 in a real browser (headless Chromium): log in, switch role by account alias with the keyboard, see
 * the banner with its display name, colour and live expiry on every console page, use a permission only the
 * role has, switch back and be the user again, without logging in. A failure leaves a screenshot in
 * test/artifacts/.
 */
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

describe('console switch role in Chromium (ROLE-3, ROLE-5)', () => {
  let t: TestGateway;
  let account: Account;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    t = await startGateway(NO_THROTTLE);
    account = await createAccount(t.gw);
    const assume = await policy(t.gw, account.id, 'AssumeAny', {
      Effect: 'Allow',
      Action: 'iam:assumeRole',
      Resource: '*',
    });
    const listRoles = await policy(t.gw, account.id, 'ListRoles', {
      Effect: 'Allow',
      Action: 'iam:listRoles',
      Resource: '*',
    });
    await role(t.gw, account, 'auditor', [{ kind: 'current-account', value: account.id }], [listRoles.id]);
    await createUser(t.gw, account, 'carol', PASSWORD, { policyIds: [assume.id] });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
    });
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  /** The status and JSON the browser gets for an admin API read with its own cookie. */
  const api = (path: string) =>
    page.evaluate(async (p) => {
      const res = await fetch(p, { credentials: 'same-origin' });
      return res.status;
    }, path);

  it('switches by alias, shows the banner, acts as the role, switches back to the user', async () => {
    try {
      await page.goto(`${t.base}/login/${account.alias}`);
      await page.getByLabel('Username').fill('carol');
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL(`${t.base}/console`), page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(await page.locator('#who').textContent()).toBe('carol');
      expect(await page.locator('#role-banner').count()).toBe(0);
      const rolesApi = `/v1/accounts/${account.id}/roles`;
      expect(await api(rolesApi)).toBe(403); // carol may assume, not list

      await Promise.all([page.waitForURL(`${t.base}/console/switch-role`), page.locator('#switch-role-link').click()]);
      // Keyboard only: type into the focused fields, pick the colour with the arrow keys, submit with Enter.
      await page.getByLabel('Account id or alias').focus();
      await page.keyboard.type(account.alias!);
      await page.keyboard.press('Tab');
      await page.keyboard.type('auditor');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Audit desk');
      await page.getByLabel('Purple').check();
      await page.getByLabel('Purple').focus();
      await Promise.all([page.waitForURL(`${t.base}/console`), page.keyboard.press('Enter')]);

      const banner = page.locator('#role-banner');
      await expect(banner.isVisible()).resolves.toBe(true);
      expect(await banner.getAttribute('class')).toContain('colour-purple');
      expect(await page.locator('#role-banner-name').textContent()).toBe('Audit desk');
      expect(await page.locator('#role-banner-account').textContent()).toBe(account.alias);
      const expiry = await page.locator('#role-banner-expiry').getAttribute('datetime');
      expect(Date.parse(expiry ?? '') - Date.now()).toBeGreaterThan(3000_000);
      // The countdown is live: the script rewrites it within a couple of seconds.
      const countdown = page.locator('#role-banner-countdown');
      const first = await countdown.textContent();
      await page.waitForFunction(
        (before) => document.querySelector('#role-banner-countdown')?.textContent !== before,
        first,
        { timeout: 5000 },
      );
      expect(await api(rolesApi)).toBe(200); // the role's permission (ROLE-5)
      expect(await api(`/v1/accounts/${account.id}/users`)).toBe(403);

      await page.goto(`${t.base}/console/my-info`);
      expect(await page.locator('#role-banner').count()).toBe(1); // every console page

      await Promise.all([page.waitForURL(`${t.base}/console`), page.locator('#switch-back').click()]);
      expect(await page.locator('#role-banner').count()).toBe(0);
      expect(await page.locator('#who').textContent()).toBe('carol');
      expect(await api(rolesApi)).toBe(403);

      await page.goto(`${t.base}/console/switch-role`);
      expect(await page.locator('#recent-roles').textContent()).toContain('Audit desk');
      expect(errors).toEqual([]);
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'switch-role.png'), fullPage: true }).catch(() => undefined);
      throw err;
    }
  });
});
