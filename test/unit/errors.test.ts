import { describe, expect, it } from '@jest/globals';
import { AppError, ERROR_CODES, appError } from '../../src/errors.js';

describe('error codes are API', () => {
  it('pins every code with its status', () => {
    const pinned = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, v]) => [code, v.status]));
    expect(pinned).toMatchSnapshot();
  });

  it('codes are SCREAMING_SNAKE and statuses are HTTP errors', () => {
    for (const [code, v] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(v.status).toBeGreaterThanOrEqual(400);
      expect(v.status).toBeLessThan(600);
    }
  });

  it('exposes 4xx messages and hides 5xx', () => {
    expect(appError('NOT_FOUND').expose).toBe(true);
    expect(new AppError('INTERNAL').expose).toBe(false);
    expect(appError('ALREADY_EXISTS', { field: 'name' }).details).toEqual({ field: 'name' });
  });
});
