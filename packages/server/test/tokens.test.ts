import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from '../src/auth/tokens.js';
import { manualClock } from './support/clock.js';

/**
 * The access-token check remembers tokens that verified (a jose HS256 check costs ~70 µs of
 * CPU and every authenticated request makes it). What it remembers must never let a token
 * through that jose would refuse: these tests hold the cache to that.
 */

const SECRET = 'token-test-secret-that-is-at-least-32-characters';

describe('TokenService.verify', () => {
  it('answers the same claims for the same token, and refuses it once it has expired even though it verified before', async () => {
    const clock = manualClock('2026-11-25T12:00:00Z');
    const tokens = new TokenService(SECRET, 60, clock);
    const token = await tokens.sign('acc_1', 'ses_1');
    const first = await tokens.verify(token);
    expect(first).toMatchObject({ accountId: 'acc_1', sessionId: 'ses_1' });
    expect(await tokens.verify(token)).toEqual(first);
    // A caller cannot change what the next request is told.
    expect(() => Object.assign(first!, { accountId: 'acc_2' })).toThrow(TypeError);

    clock.set('2026-11-25T12:00:59Z');
    expect(await tokens.verify(token)).toEqual(first);
    clock.set('2026-11-25T12:01:00Z');
    expect(await tokens.verify(token)).toBeNull();
    // And a fresh service (nothing remembered) agrees.
    expect(await new TokenService(SECRET, 60, clock).verify(token)).toBeNull();
  });

  it("reads time only from its clock: a token it signed carries the clock's iat and exp, and is refused when the clock says issued in the future", async () => {
    const clock = manualClock('2026-11-25T12:00:00Z');
    const tokens = new TokenService(SECRET, 600, clock);
    const token = await tokens.sign('acc_1', 'ses_1');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(payload).toMatchObject({
      iat: Date.parse('2026-11-25T12:00:00Z') / 1000,
      exp: Date.parse('2026-11-25T12:10:00Z') / 1000,
    });
    // The same token, checked by a service whose clock is an hour behind: issued in its future.
    expect(await new TokenService(SECRET, 600, manualClock('2026-11-25T11:00:00Z')).verify(token)).toBeNull();
    expect(await new TokenService(SECRET, 600, manualClock('2026-11-25T11:59:30Z')).verify(token)).not.toBeNull(); // within the minute of skew
  });

  it('never remembers a refused token: a tampered copy of a remembered one, another key, another audience', async () => {
    const tokens = new TokenService(SECRET, 600);
    const token = await tokens.sign('acc_1', 'ses_1');
    expect(await tokens.verify(token)).not.toBeNull();
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'acc_2' }),
    ).toString('base64url');
    for (let i = 0; i < 2; i++) {
      expect(await tokens.verify(`${header}.${forged}.${signature}`)).toBeNull();
      expect(await tokens.verify(`${token}x`)).toBeNull();
      expect(await tokens.verify(await new TokenService(`${SECRET}-other`, 600).sign('acc_1', 'ses_1'))).toBeNull();
      const otherAudience = await new SignJWT({ sid: 'ses_1' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('acc_1')
        .setJti('j')
        .setIssuedAt()
        .setExpirationTime('10m')
        .setIssuer(TOKEN_ISSUER)
        .setAudience(`${TOKEN_AUDIENCE}-other`)
        .sign(new TextEncoder().encode(SECRET));
      expect(await tokens.verify(otherAudience)).toBeNull();
    }
    expect(await tokens.verify(token)).toMatchObject({ accountId: 'acc_1' });
  });

  it('keeps verifying correctly past the number of tokens it remembers', async () => {
    const tokens = new TokenService(SECRET, 600);
    const issued = await Promise.all(Array.from({ length: 10_050 }, (_, i) => tokens.sign(`acc_${i}`, `ses_${i}`)));
    for (const [i, token] of issued.entries()) expect((await tokens.verify(token))?.accountId).toBe(`acc_${i}`);
    // The oldest were dropped and verify again through jose; the newest are remembered.
    expect((await tokens.verify(issued[0]!))?.accountId).toBe('acc_0');
    expect((await tokens.verify(issued.at(-1)!))?.accountId).toBe('acc_10049');
  });
});
