import { expect } from 'vitest';

/** A response as `TestServer.request` returns it. */
interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Asserts an RFC 9457 problem+json answer with this status and code; returns its body. */
export function expectProblem(response: Answer, status: number, code: string): Answer['body'] {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    code,
    detail: expect.any(String),
  });
  expect(JSON.stringify(response.body)).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
  return response.body;
}

/** The paths of a 422 problem's issues. */
export function issuePaths(response: Answer): (string | number)[][] {
  return (response.body.issues ?? []).map((issue: { path: (string | number)[] }) => issue.path);
}

/** A fixed clock for the tracker: today is 2026-11-15 (UTC) in every test that uses it. */
export const NOV_15 = { now: () => new Date('2026-11-15T12:00:00.000Z') };
