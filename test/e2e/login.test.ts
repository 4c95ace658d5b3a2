import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Account } from '../../src/store/ports.js';
import { PASSWORD, createAccount, createUser, startGateway, type TestGateway } from '../integration/login/helpers.js';

/**
 * LOGIN-1 in a real browser (headless Chromium, Debian's binary): the login page, the redirect to the
 * console, the error message, and the lock after five wrong passwords. A failing test leaves a screenshot in
 * test/artifacts/.
 */
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

describe('console login in Chromium (LOGIN-1, LOGIN-3)', () => {
  let t: TestGateway;
  let account: Account;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    t = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '1000' });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'alice', PASSWORD);
    await createUser(t.gw, account, 'bob', PASSWORD);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
    });
  });

  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    consoleErrors = [];
    // A CSP violation or a failed stylesheet is a defect too; the pages' own 401/423 statuses are not.
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.request().resourceType() !== 'document' && r.status() >= 400)
        consoleErrors.push(`${r.status()} ${r.url()}`);
    });
  });

  afterEach(async () => {
    await context?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Runs a browser test; on failure saves a full-page screenshot to test/artifacts/ and rethrows. */
  function browserTest(name: string, body: () => Promise<void>): void {
    it(name, async () => {
      try {
        await body();
        expect(consoleErrors).toEqual([]);
      } catch (err) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page
          .screenshot({ path: join(ARTIFACTS, `login-${name.replace(/\W+/g, '-').slice(0, 80)}.png`), fullPage: true })
          .catch(() => undefined);
        throw err;
      }
    });
  }

  async function submit(username: string, password: string): Promise<void> {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  browserTest('logs in as an IAM user and lands on the console home, then signs out', async () => {
    await page.goto(`${t.base}/login/${account.alias}`);
    expect(await page.title()).toBe('Sign in · IAM console');
    await submit('alice', PASSWORD);
    await page.waitForURL(`${t.base}/console`);
    expect(await page.locator('#who').textContent()).toBe('alice');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'iamgw_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
    });
    await Promise.all([
      page.waitForURL(`${t.base}/login/${account.alias}`),
      page.getByRole('button', { name: 'Sign out' }).click(),
    ]);
    await page.goto(`${t.base}/console`);
    expect(page.url()).toContain('/login');
  });

  browserTest('a wrong password shows the error message on the login page', async () => {
    await page.goto(`${t.base}/login/${account.alias}`);
    await submit('alice', 'Wrong#pass9');
    expect(await page.getByRole('alert').textContent()).toContain('The username or password is incorrect.');
    expect(await page.getByLabel('Username').inputValue()).toBe('alice');
  });

  browserTest('five wrong passwords show the locked page, and the right one is refused afterwards', async () => {
    await page.goto(`${t.base}/login/${account.alias}`);
    for (let i = 0; i < 4; i++) await submit('bob', `Wrong#pass${i}`);
    await submit('bob', 'Wrong#pass4');
    expect(await page.getByRole('heading').textContent()).toBe('User locked');
    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await submit('bob', PASSWORD);
    expect(await page.getByRole('heading').textContent()).toBe('User locked');
    expect((await context.cookies()).find((c) => c.name === 'iamgw_session')).toBeUndefined();
  });
});
