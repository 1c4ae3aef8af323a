import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './support/clock.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

const RENT = {
  name: 'Rent',
  recurrence: { unit: 'month', anchor: '2027-01-31' },
  template: { amount: '1200.00', currency: 'EUR', merchant: 'Landlord' },
};

describe.each(DIALECTS)('/schedules over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: manualClock('2027-01-01T12:00:00.000Z') });
  });
  afterAll(async () => {
    await api.close();
  });

  it('create, read, list, update and delete a schedule', async () => {
    const { token } = await api.user();
    const created = await api.request('POST', '/schedules', { token, body: RENT });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^sch_/),
      mode: 'post',
      template: { amount: '1200.00', amountMinor: 120000, currency: 'EUR' },
      nextOccurrence: { nominal: '2027-01-31', due: '2027-01-31' },
    });
    const id = created.body.id as string;
    expect((await api.request('GET', `/schedules/${id}`, { token })).body).toEqual(created.body);
    const patched = await api.request('PATCH', `/schedules/${id}`, {
      token,
      body: { name: 'Flat', mode: 'expect', tolerancePercent: 1 },
    });
    expect(patched.body).toMatchObject({ name: 'Flat', mode: 'expect', tolerancePercent: 1 });
    expect((await api.request('GET', '/schedules', { token })).body).toEqual([patched.body]);
    expect((await api.request('DELETE', `/schedules/${id}`, { token })).status).toBe(204);
    expectProblem(await api.request('GET', `/schedules/${id}`, { token }), 404, 'NOT_FOUND');
  });

  it('budget status forecasts the period’s upcoming scheduled amounts as known, apart from the pace', async () => {
    const { token } = await api.user();
    const budget = await api.request('POST', '/budgets', {
      token,
      body: { name: 'All', amount: '1500', alertRules: [] },
    });
    expect(budget.status).toBe(201);
    await api.request('POST', '/schedules', {
      token,
      body: { name: 'Rent', recurrence: { unit: 'month', anchor: '2027-01-25' }, template: { amount: '1000.00' } },
    });
    await api.request('POST', '/schedules', { token, body: RENT }); // in EUR: not in a USD budget
    const status = await api.request('GET', `/budgets/${budget.body.id as string}/status`, { token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      spentMinor: 0,
      scheduledMinor: 100000,
      scheduledSpentMinor: 0,
      paceMinor: 0,
      projectedSpendMinor: 100000,
      projectedExceedDate: null,
    });
    const doc = await api.request('GET', '/openapi.json');
    const schema = doc.body.components.schemas.BudgetStatus;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['scheduledMinor', 'scheduledSpentMinor', 'paceMinor']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['scheduledMinor', 'paceMinor']));
  });

  it('an imported 1,203.00 line shows the 1,200.00 ±1 % bill it settles, and commit settles it', async () => {
    const { token } = await api.user();
    const bill = await api.request('POST', '/schedules', {
      token,
      body: { ...RENT, mode: 'expect', tolerancePercent: 1 },
    });
    const mapping = {
      date: { column: 'Date', format: 'YMD' },
      amount: { kind: 'signed', column: 'Amount' },
      currency: { default: 'EUR' },
      description: 'Text',
    };
    const profile = await api.request('POST', '/import-profiles', { token, body: { name: 'Bank', profile: mapping } });
    const imp = await api.request('POST', `/imports?sourceKey=checking&profile=${profile.body.id as string}`, {
      token,
      body: 'Date,Amount,Text\n2027-02-01,-1203.00,RENT\n2027-02-01,-9.99,Music\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect(imp.status, JSON.stringify(imp.body)).toBe(201);
    const rows = await api.request('GET', `/imports/${imp.body.id as string}/rows`, { token });
    expect(rows.body.items.map((r: { bill: unknown }) => r.bill)).toEqual([
      { scheduleId: bill.body.id, name: 'Rent', nominal: '2027-01-31', due: '2027-01-31' },
      null,
    ]);
    expect((await api.request('POST', `/imports/${imp.body.id as string}/commit`, { token })).status).toBe(200);
    const history = await api.request('GET', `/schedules/${bill.body.id as string}/occurrences`, { token });
    expect(history.body).toEqual([expect.objectContaining({ nominal: '2027-01-31', state: 'matched' })]);
    const expenses = await api.request('GET', '/expenses', { token });
    expect(expenses.body.items).toHaveLength(2);
  });

  it('upcoming gives the 31st or the last day of each month; skip and post act on one occurrence', async () => {
    const { token } = await api.user();
    const { id } = (await api.request('POST', '/schedules', { token, body: RENT })).body as { id: string };
    const upcoming = await api.request('GET', '/schedules/upcoming?from=2027-01-01&to=2027-12-31', { token });
    expect(upcoming.status).toBe(200);
    expect(upcoming.body.map((o: { due: string }) => o.due)).toEqual([
      '2027-01-31',
      '2027-02-28',
      '2027-03-31',
      '2027-04-30',
      '2027-05-31',
      '2027-06-30',
      '2027-07-31',
      '2027-08-31',
      '2027-09-30',
      '2027-10-31',
      '2027-11-30',
      '2027-12-31',
    ]);
    const skipped = await api.request('POST', `/schedules/${id}/occurrences/2027-02-28/skip`, { token });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ nominal: '2027-02-28', state: 'skipped' });
    const posted = await api.request('POST', `/schedules/${id}/occurrences/2027-03-31/post`, { token });
    expect(posted.status).toBe(201);
    expect(posted.body.expense).toMatchObject({ amount: '1200.00', source: { kind: 'schedule', id } });
    expectProblem(
      await api.request('POST', `/schedules/${id}/occurrences/2027-03-31/post`, { token }),
      409,
      'CONFLICT',
    );
    const wrong = expectProblem(
      await api.request('POST', `/schedules/${id}/occurrences/2027-03-30/skip`, { token }),
      422,
      'VALIDATION_FAILED',
    );
    expect(wrong.issues).toContainEqual(expect.objectContaining({ path: ['date'], code: 'not_an_occurrence' }));
    const history = await api.request('GET', `/schedules/${id}/occurrences`, { token });
    expect(history.body.map((o: { nominal: string; state: string }) => [o.nominal, o.state])).toEqual([
      ['2027-02-28', 'skipped'],
      ['2027-03-31', 'posted'],
    ]);
    expectProblem(
      await api.request('GET', '/schedules/upcoming?from=2027-01-01&to=2028-06-30', { token }),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('another user sees none of it, and a read-only token cannot write', async () => {
    const owner = await api.user();
    const { id } = (await api.request('POST', '/schedules', { token: owner.token, body: RENT })).body as { id: string };
    const other = await api.user();
    expectProblem(await api.request('GET', `/schedules/${id}`, { token: other.token }), 404, 'NOT_FOUND');
    expect((await api.request('GET', '/schedules', { token: other.token })).body).toEqual([]);
    const readOnly = await api.request('POST', '/auth/tokens', {
      token: owner.token,
      body: { name: 'Reader', scopes: ['schedules:read'], expiresInDays: 30 },
    });
    expect(readOnly.status, JSON.stringify(readOnly.body)).toBe(201);
    const pat = readOnly.body.token as string;
    expect((await api.request('GET', '/schedules', { token: pat })).body).toHaveLength(1);
    expectProblem(await api.request('POST', '/schedules', { token: pat, body: RENT }), 403, 'MISSING_SCOPE');
  });
});
