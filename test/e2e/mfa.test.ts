import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Account } from '../../src/store/ports.js';
import { createAccount, createUser, PASSWORD, startGateway, type TestGateway } from '../integration/login/helpers.js';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

/**
 * LOGIN-4 in a real browser: enrol from My Info by reading the secret off the page, sign out, sign in with
 * password + code computed here; the same code is refused the second time; a recovery code works once.
 * The gateway runs on the system clock, so the test waits for a fresh 30 s step before reusing nothing.
 */
describe('MFA in the browser (LOGIN-1, LOGIN-4)', () => {
  let t: TestGateway;
  let account: Account;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startGateway({ IAMGW_THROTTLE_PER_IP_LIMIT: '10000' });
    account = await createAccount(t.gw);
    await createUser(t.gw, account, 'mia', PASSWORD);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
    });
    page = await browser.newPage();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Runs a step; on failure saves a screenshot under test/artifacts/ and rethrows. */
  async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}mfa-${name}.png`, fullPage: true }).catch(() => undefined);
      throw err;
    }
  }

  const signIn = async () => {
    await page.goto(`${t.base}/login/${account.alias}`);
    await page.fill('#username', 'mia');
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
  };
  const enterCode = async (code: string) => {
    await page.fill('#code', code);
    await page.click('form[action="/login/step/mfa"] button[type=submit]');
  };
  const signOut = async () => {
    await page.goto(`${t.base}/console`);
    await page.click('form[action="/logout"] button');
  };
  /** A code for a step no earlier call used: the code of the *next* step is valid now (±1) and not spent yet. */
  let lastEpoch = 0;
  const freshCode = async (secret: string): Promise<string> => {
    const step = Math.max(Math.floor(Date.now() / 30_000), lastEpoch + 1);
    lastEpoch = step;
    return generate({ secret, epoch: step * 30 });
  };

  it('enrol → sign out → password + code → console; same code refused; recovery code works once', async () => {
    const secret = await step('enrol', async () => {
      await signIn();
      await page.waitForURL(`${t.base}/console`);
      await page.goto(`${t.base}/console/my-info/mfa`);
      await page.click('#mfa-enrol');
      const s = (await page.textContent('#mfa-secret'))?.trim() ?? '';
      expect(s).toMatch(/^[A-Z2-7]{16,}$/);
      expect(await page.locator('.qr svg').count()).toBe(1);
      await page.fill('#code', await freshCode(s));
      await page.click('form[action="/console/my-info/mfa/confirm"] button');
      return s;
    });
    const recovery = await step('recovery-codes', async () => {
      const codes = await page.locator('#recovery-codes code').allTextContents();
      expect(codes).toHaveLength(10);
      return codes;
    });

    const code = await freshCode(secret);
    await step('login-with-code', async () => {
      await signOut();
      await signIn();
      await page.waitForSelector('#code');
      await enterCode(code);
      await page.waitForURL(`${t.base}/console`);
      expect(await page.textContent('#who')).toBe('mia');
    });

    await step('replay-refused', async () => {
      await signOut();
      await signIn();
      await enterCode(code);
      expect(await page.textContent('#mfa-error')).toContain('incorrect or was already used');
      expect(page.url()).not.toBe(`${t.base}/console`);
    });

    await step('recovery-code', async () => {
      await page.goto(`${t.base}/login/${account.alias}`);
      await signIn();
      await enterCode(recovery[0] ?? '');
      await page.waitForURL(`${t.base}/console`);
      await signOut();
      await signIn();
      await enterCode(recovery[0] ?? '');
      expect(await page.textContent('#mfa-error')).toContain('incorrect or was already used');
    });
  }, 60_000);
});
