import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { hostDatabase } from '@expense-tracker/core/kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_TABLES } from '../src/auth/server-tables.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/tokens.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * Authentication attacks (issue 7, part 2): forged, tampered, misdirected, stale and revoked
 * tokens; refresh token reuse; brute-force logins; user enumeration by answer and by timing.
 */

/** The secret `startServer` signs with: the attacker who knows it is the worst case for claim checks. */
const SECRET = new TextEncoder().encode('test-secret-that-is-at-least-32-characters-long');

const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the server's own key and algorithm, with these claims (undefined drops one). */
function signed(
  claims: Record<string, unknown>,
  header: { alg: string } = { alg: 'HS256' },
  key: Parameters<SignJWT['sign']>[0] = SECRET,
): Promise<string> {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as JWTPayload;
  return new SignJWT(payload).setProtectedHeader({ ...header, typ: 'JWT' }).sign(key);
}

/** The claims of a valid access token of `token`'s session, with `changes` applied. */
function claimsOf(token: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const real = decodeJwt(token);
  return {
    sub: real.sub,
    sid: real.sid,
    jti: `forged_${Math.random()}`,
    iat: now(),
    exp: now() + 600,
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    ...changes,
  };
}

describe.each(DIALECTS)('forged and stale access tokens on %s', (dialect) => {
  let api: TestServer;
  let alice: Awaited<ReturnType<TestServer['user']>>;
  let mallory: Awaited<ReturnType<TestServer['user']>>;

  beforeAll(async () => {
    api = await startServer(dialect);
    alice = await api.user();
    mallory = await api.user();
    await api.request('POST', '/expenses', {
      token: alice.token,
      body: { amount: '12.50', description: 'alice secret' },
    });
  });
  afterAll(async () => {
    await api.close();
  });

  /** The token is refused with 401 on a protected route and on /auth/me, and shows nothing. */
  async function expectRefused(token: string): Promise<void> {
    for (const path of ['/expenses', '/auth/me']) {
      const answer = await api.request('GET', path, { token });
      expectProblem(answer, 401, 'UNAUTHORIZED');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.stringify(answer.body)).not.toContain('alice secret');
    }
    expectProblem(await api.request('POST', '/expenses', { token, body: { amount: '1' } }), 401, 'UNAUTHORIZED');
  }

  it('the control: a token forged with the real key and valid claims is accepted (so the refusals below are for the reason named)', async () => {
    expect((await api.request('GET', '/auth/me', { token: await signed(claimsOf(alice.token)) })).status).toBe(200);
  });

  it('refuses alg "none" (unsigned), with or without a trailing signature', async () => {
    const unsecured = new UnsecuredJWT(claimsOf(alice.token)).encode();
    await expectRefused(unsecured);
    await expectRefused(`${unsecured}${alice.token.split('.')[2]}`);
    // The same header with alg "None"/"NONE" (case games) is no better.
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const alg of ['None', 'NONE', 'nOnE'])
      await expectRefused(`${b64({ alg, typ: 'JWT' })}.${b64(claimsOf(alice.token))}.`);
  });

  it('refuses another algorithm with the same secret (HS384, HS512)', async () => {
    await expectRefused(await signed(claimsOf(alice.token), { alg: 'HS384' }));
    await expectRefused(await signed(claimsOf(alice.token), { alg: 'HS512' }));
  });

  it('refuses RS256 and ES256 tokens signed with an attacker’s key pair, even with the public key in the header', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      await expectRefused(await signed(claimsOf(alice.token), { alg }, privateKey));
      const jwk = await exportJWK(publicKey);
      await expectRefused(await new SignJWT(claimsOf(alice.token)).setProtectedHeader({ alg, jwk }).sign(privateKey));
    }
  });

  it('refuses HS256 signed with a wrong key', async () => {
    await expectRefused(
      await signed(
        claimsOf(alice.token),
        { alg: 'HS256' },
        new TextEncoder().encode('another-secret-that-is-at-least-32-characters'),
      ),
    );
  });

  it('refuses a tampered payload: Alice’s signature over a payload naming Mallory (or a later expiry)', async () => {
    const [header, payload, signature] = alice.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    for (const change of [{ sub: mallory.id }, { exp: claims.exp + 86_400 }, { sid: decodeJwt(mallory.token).sid }]) {
      const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
      await expectRefused(`${header}.${forged}.${signature}`);
    }
    // The untouched token still works: the refusals were for the tampering.
    expect((await api.request('GET', '/auth/me', { token: alice.token })).status).toBe(200);
  });

  it('refuses a wrong audience or issuer, even when signed with the real key', async () => {
    await expectRefused(await signed(claimsOf(alice.token, { aud: 'another-api' })));
    await expectRefused(await signed(claimsOf(alice.token, { aud: undefined })));
    await expectRefused(await signed(claimsOf(alice.token, { iss: 'someone-else' })));
    await expectRefused(await signed(claimsOf(alice.token, { iss: undefined })));
  });

  it('refuses an expired token and one not yet valid (nbf or iat in the future)', async () => {
    await expectRefused(await signed(claimsOf(alice.token, { iat: now() - 3600, exp: now() - 60 })));
    await expectRefused(await signed(claimsOf(alice.token, { nbf: now() + 3600 })));
    // Issued in the future (beyond a minute of clock skew) was accepted before; now refused.
    await expectRefused(await signed(claimsOf(alice.token, { iat: now() + 3600, exp: now() + 7200 })));
    expect(
      (await api.request('GET', '/auth/me', { token: await signed(claimsOf(alice.token, { iat: now() + 5 })) })).status,
    ).toBe(200);
  });

  it('refuses a token missing a required claim (sid, sub, jti, exp, iat) or with a claim of the wrong type', async () => {
    for (const claim of ['sid', 'sub', 'jti', 'exp', 'iat'])
      await expectRefused(await signed(claimsOf(alice.token, { [claim]: undefined })));
    await expectRefused(await signed(claimsOf(alice.token, { sid: 42 })));
    await expectRefused(await signed(claimsOf(alice.token, { sub: ['x'] })));
    await expectRefused(await signed(claimsOf(alice.token, { exp: String(now() + 600) })));
  });

  it('refuses a session id that is not the subject’s: Mallory’s sid with Alice’s sub, and a sid that does not exist', async () => {
    await expectRefused(await signed(claimsOf(alice.token, { sid: decodeJwt(mallory.token).sid })));
    await expectRefused(await signed(claimsOf(alice.token, { sid: 'ses_01J000000000000000000000000' })));
  });

  it('refuses a token for an account that does not exist', async () => {
    await expectRefused(await signed(claimsOf(alice.token, { sub: 'acc_01J000000000000000000000000' })));
  });

  it('refuses a token whose account was deleted', async () => {
    const doomed = await api.user();
    expect((await api.request('GET', '/expenses', { token: doomed.token })).status).toBe(200);
    await hostDatabase(api.tracker, SERVER_TABLES).deleteFrom('srv_account').where('id', '=', doomed.id).execute();
    await expectRefused(doomed.token);
    // The refresh token of the deleted account is refused too.
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: doomed.refresh } }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses the access token after logout, and the refresh token of the logged-out session', async () => {
    const u = await api.user();
    expect((await api.request('POST', '/auth/logout', { token: u.token })).status).toBe(204);
    await expectRefused(u.token);
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } }),
      401,
      'UNAUTHORIZED',
    );
    // Logging out again with the dead token is a 401 too, not a crash.
    expectProblem(await api.request('POST', '/auth/logout', { token: u.token }), 401, 'UNAUTHORIZED');
  });

  it('an access token is not a refresh token, and a refresh token is not an access token', async () => {
    const u = await api.user();
    expectProblem(await api.request('GET', '/auth/refresh', { token: u.token }), 401, 'UNAUTHORIZED');
    // Too long for a refresh token (422), and never a token pair.
    const asRefresh = await api.request('POST', '/auth/refresh', { body: { refresh_token: u.token } });
    expect([401, 422]).toContain(asRefresh.status);
    expect(asRefresh.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: u.token.slice(0, 200) } }),
      401,
      'UNAUTHORIZED',
    );
    await expectRefused(u.refresh);
  });

  it('a refresh token reused after rotation revokes the whole session, and only that session', async () => {
    const u = await api.user();
    const other = await api.request('POST', '/auth/login', { body: { username: u.username, password: u.password } });
    expect(other.status).toBe(200);
    const rotated = await api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } });
    expect(rotated.status).toBe(200);
    expect((await api.request('GET', '/auth/me', { token: rotated.body.access_token })).status).toBe(200);
    // The thief replays the old refresh token: refused, and every token of the session dies.
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } }),
      401,
      'UNAUTHORIZED',
    );
    await expectRefused(rotated.body.access_token);
    await expectRefused(u.token);
    expectProblem(
      await api.request('POST', '/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } }),
      401,
      'UNAUTHORIZED',
    );
    // The user's other session is untouched.
    expect((await api.request('GET', '/auth/me', { token: other.body.access_token })).status).toBe(200);
  });

  it('two concurrent uses of one refresh token: at most one wins, and the session is revoked', async () => {
    const u = await api.user();
    const answers = await Promise.all(
      [0, 1, 2].map(() => api.request('POST', '/auth/refresh', { body: { refresh_token: u.refresh } })),
    );
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(1);
    for (const a of answers.filter((x) => x.status !== 200)) expectProblem(a, 401, 'UNAUTHORIZED');
    for (const a of answers.filter((x) => x.status === 200)) await expectRefused(a.body.access_token);
  });
});

describe.each(DIALECTS)('brute-force logins on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('per username: after 5 failures even the right password gets 429 with Retry-After, as a problem', async () => {
    const u = await api.user();
    for (let i = 0; i < 5; i += 1)
      expectProblem(
        await api.request('POST', '/auth/login', { body: { username: u.username, password: `guess ${i}` } }),
        401,
        'UNAUTHORIZED',
      );
    const limited = await api.request('POST', '/auth/login', {
      body: { username: u.username.toUpperCase(), password: u.password },
    });
    expectProblem(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Spaces around the name do not make a new bucket either.
    expectProblem(
      await api.request('POST', '/auth/login', { body: { username: ` ${u.username} `, password: u.password } }),
      429,
      'RATE_LIMITED',
    );
    // The form-encoded grant hits the same limit.
    const form = new URLSearchParams({ grant_type: 'password', username: u.username, password: u.password }).toString();
    expectProblem(
      await api.request('POST', '/auth/login', {
        body: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      429,
      'RATE_LIMITED',
    );
  });

  it('per address: spraying many usernames from one address is throttled, and X-Forwarded-For does not get around it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 24; i += 1) {
      const answer = await api.request('POST', '/auth/login', {
        body: { username: `spray${i}`, password: 'Winter2026!' },
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      statuses.push(answer.status);
      if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // 5 failures were spent by the test above on the same address; the address allows 20.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
  });
});

describe.each(DIALECTS)('user enumeration on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    // A realistic scrypt cost (2^14) so that the work, not noise, dominates the timing.
    api = await startServer(dialect, { scryptLogN: 14 });
  });
  afterAll(async () => {
    await api.close();
  });

  it('an unknown user and a wrong password get the same status, headers and body, and similar timing', async () => {
    // Several accounts, so that no username hits the per-username limit; 10 + 10 failures stay within the per-address one.
    const users = await Promise.all([0, 1, 2].map(() => api.user()));
    const timed = async (username: string) => {
      const start = performance.now();
      const answer = await api.request('POST', '/auth/login', { body: { username, password: 'definitely wrong' } });
      return { answer, ms: performance.now() - start };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    let first: { wrong?: Awaited<ReturnType<typeof timed>>; unknown?: Awaited<ReturnType<typeof timed>> } = {};
    for (let i = 0; i < 9; i += 1) {
      const w = await timed(users[i % 3]!.username);
      const u = await timed(`ghost_${i}_${Date.now()}`);
      expectProblem(w.answer, 401, 'UNAUTHORIZED');
      expectProblem(u.answer, 401, 'UNAUTHORIZED');
      expect(u.answer.body).toEqual(w.answer.body);
      expect(u.answer.headers.get('www-authenticate')).toBe(w.answer.headers.get('www-authenticate'));
      first = first.wrong ? first : { wrong: w, unknown: u };
      wrong.push(w.ms);
      unknown.push(u.ms);
    }
    expect(
      [...first.unknown!.answer.headers.keys()].filter((k) => k !== 'x-request-id' && k !== 'date').sort(),
    ).toEqual([...first.wrong!.answer.headers.keys()].filter((k) => k !== 'x-request-id' && k !== 'date').sort());
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(unknown) / median(wrong);
    expect(
      ratio,
      `median unknown ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms`,
    ).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('registration says "taken" for an existing name, as it must, but login never says which part was wrong', async () => {
    const u = await api.user();
    const taken = await api.request('POST', '/auth/register', {
      body: { username: u.username, password: 'whatever password' },
    });
    expectProblem(taken, 409, 'CONFLICT');
    const wrong = await api.request('POST', '/auth/login', { body: { username: u.username, password: 'nope nope' } });
    expect(JSON.stringify(wrong.body)).not.toMatch(/password is wrong|unknown user|no such user|not found/i);
  });
});
