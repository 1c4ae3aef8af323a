// The bills section (SPEC §7.3): the owner's schedules (name, mode, amount, next due), what
// falls due in the next 30 days with each occurrence's state, skip and post-now of one
// occurrence, and a small form for a monthly schedule.
import { addDays, ownerToday, type Api } from './dates.js';
import { replaceRows } from './focus.js';

interface Schedule {
  id: string;
  name: string;
  mode: 'post' | 'expect';
  enabled: boolean;
  recurrence: { unit: string; every: number; anchor: string };
  template: { amount: string; currency: string; kind: 'expense' | 'refund' };
  nextOccurrence: { nominal: string; due: string } | null;
}
type OccurrenceState = 'posted' | 'skipped' | 'matched' | 'missed' | 'pending';
interface Upcoming {
  scheduleId: string;
  name: string;
  mode: 'post' | 'expect';
  nominal: string;
  due: string;
  amount: string;
  currency: string;
  state: OccurrenceState | null;
}

/** What the section needs of the page: its API call (401 handled) and two DOM helpers. */
export interface BillsPage {
  api: Api;
  el: <T extends HTMLElement = HTMLElement>(id: string) => T;
  text: (tag: string, content: string, className?: string) => HTMLElement;
}

/** The section's controls (none rejects: errors show in the section): `load` lists schedules and occurrences, `changed` follows a live event, `clear` forgets all on logout. */
export interface BillsSection {
  load(): Promise<void>;
  changed(type: string): void;
  clear(): void;
}

/** How far ahead "upcoming" looks, today included. */
const AHEAD_DAYS = 30;
/** The longest range `upcoming` serves (`MAX_SCHEDULE_RANGE_DAYS`). */
const YEAR_DAYS = 366;

const MODE_TEXT = { post: 'posted when due', expect: 'bill: waits for the payment' } as const;

/** An occurrence's state in words; `null`: nothing has happened to it yet. */
const STATE_TEXT: Record<OccurrenceState | 'none', string> = {
  none: 'upcoming',
  pending: 'due, waiting for the payment',
  posted: 'posted',
  matched: 'paid (matched)',
  skipped: 'skipped',
  missed: 'missed',
};

/** Wires the bills section of the page. */
export function createBillsSection({ api, el, text }: BillsPage): BillsSection {
  let pending: ReturnType<typeof setTimeout> | undefined;
  let loading: Promise<void> | null = null;

  const showError = (error: unknown): void => {
    if (error instanceof Error && error.message !== 'unauthorized') el('schedule-error').textContent = error.message;
  };
  const button = (label: string, name: string, onClick: () => Promise<void>): HTMLElement => {
    const node = text('button', label);
    node.setAttribute('type', 'button');
    node.setAttribute('aria-label', name);
    node.addEventListener('click', () => {
      el('schedule-error').textContent = '';
      void onClick().catch(showError);
    });
    return node;
  };
  const emptyRow = (body: HTMLElement, message: string, columns: number): void => {
    const cell = text('td', message, 'empty');
    cell.setAttribute('colspan', String(columns));
    const row = document.createElement('tr');
    row.append(cell);
    body.replaceChildren(row);
  };
  const amountOf = (amount: string, currency: string, kind: 'expense' | 'refund' = 'expense') =>
    `${kind === 'refund' ? '−' : ''}${amount} ${currency}`;
  const occurrencePath = (o: Upcoming, action: 'skip' | 'post') =>
    `/schedules/${encodeURIComponent(o.scheduleId)}/occurrences/${o.nominal}/${action}`;

  function renderSchedules(list: Schedule[], year: Upcoming[]): void {
    // The schedule's own cursor stays on a skipped occurrence until its date has passed (the due
    // work moves it): the next due a person means is the first one still open.
    const open = new Map<string, string>();
    for (const o of year)
      if ((o.state === null || o.state === 'pending') && !open.has(o.scheduleId)) open.set(o.scheduleId, o.due);
    const body = el('schedule-rows');
    if (list.length === 0) return emptyRow(body, 'No schedules yet.', 5);
    replaceRows(
      body,
      list.map((schedule) => {
        const row = document.createElement('tr');
        row.dataset.scheduleId = schedule.id;
        row.dataset.key = schedule.id;
        const actions = document.createElement('td');
        actions.append(
          button('Delete', `Delete schedule ${schedule.name}`, async () => {
            if (!confirm(`Delete "${schedule.name}"? The expenses it posted stay.`)) return;
            await api<undefined>(`/schedules/${encodeURIComponent(schedule.id)}`, { method: 'DELETE' });
            await load();
          }),
        );
        const next = !schedule.enabled
          ? 'disabled'
          : schedule.nextOccurrence === null
            ? 'ended'
            : (open.get(schedule.id) ?? 'none within a year');
        row.append(
          text('th', schedule.name),
          text('td', MODE_TEXT[schedule.mode]),
          text('td', amountOf(schedule.template.amount, schedule.template.currency, schedule.template.kind), 'num'),
          text('td', next, 'next-due'),
          actions,
        );
        row.firstElementChild!.setAttribute('scope', 'row');
        return row;
      }),
    );
  }

  function renderUpcoming(list: Upcoming[], from: string, to: string): void {
    el('upcoming-title').textContent = `Due in the next ${AHEAD_DAYS} days (${from} to ${to})`;
    const body = el('upcoming-rows');
    if (list.length === 0) return emptyRow(body, 'Nothing due.', 5);
    replaceRows(
      body,
      list.map((o) => {
        const row = document.createElement('tr');
        row.dataset.scheduleId = o.scheduleId;
        row.dataset.nominal = o.nominal;
        row.dataset.key = `${o.scheduleId}/${o.nominal}`;
        const actions = document.createElement('td');
        // As the API allows: skip what is not settled yet; post what has no expense.
        if (o.state === null || o.state === 'pending')
          actions.append(
            button('Skip', `Skip ${o.name} due ${o.due}`, async () => {
              await api(occurrencePath(o, 'skip'), { method: 'POST' });
              await load();
            }),
          );
        if (o.state !== 'posted' && o.state !== 'matched')
          actions.append(
            button('Post now', `Post ${o.name} due ${o.due} now`, async () => {
              await api(occurrencePath(o, 'post'), { method: 'POST' });
              await load();
            }),
          );
        const shifted = o.due === o.nominal ? '' : ` (moved from ${o.nominal})`;
        row.append(
          text('td', `${o.due}${shifted}`),
          text('th', o.name),
          text('td', amountOf(o.amount, o.currency), 'num'),
          text('td', STATE_TEXT[o.state ?? 'none'], 'state'),
          actions,
        );
        row.querySelector('th')!.setAttribute('scope', 'row');
        return row;
      }),
    );
  }

  async function reload(): Promise<void> {
    const from = await ownerToday(api);
    const to = addDays(from, AHEAD_DAYS - 1);
    // A year ahead (the most `upcoming` serves) finds each schedule's next open occurrence too.
    const [schedules, year] = await Promise.all([
      api<Schedule[]>('/schedules'),
      api<Upcoming[]>(`/schedules/upcoming?from=${from}&to=${addDays(from, YEAR_DAYS - 1)}`),
    ]);
    renderSchedules(schedules, year);
    renderUpcoming(
      year.filter((o) => o.due <= to),
      from,
      to,
    );
  }

  /** One load at a time; a load asked for meanwhile runs once after it. */
  function load(): Promise<void> {
    const run = (loading ?? Promise.resolve()).catch(() => undefined).then(reload);
    loading = run.finally(() => {
      if (loading === run) loading = null;
    });
    return run;
  }

  el<HTMLFormElement>('schedule-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    el('schedule-error').textContent = '';
    const value = (id: string) => el<HTMLInputElement | HTMLSelectElement>(id).value.trim();
    const body = {
      name: value('schedule-name'),
      mode: value('schedule-mode'),
      recurrence: { unit: 'month', anchor: value('schedule-anchor') },
      template: { amount: value('schedule-amount') },
    };
    void api<Schedule>('/schedules', { method: 'POST', body: JSON.stringify(body) })
      .then(async () => {
        form.reset();
        await load();
      })
      .catch(showError);
  });

  return {
    load: () => load().catch(showError),
    changed(type) {
      // A posted or matched occurrence, or an expense that may settle a bill: look again, debounced.
      if (!type.startsWith('schedule.') && !type.startsWith('expense.')) return;
      clearTimeout(pending);
      pending = setTimeout(() => void load().catch(showError), 150);
    },
    clear() {
      clearTimeout(pending);
      el('schedule-rows').replaceChildren();
      el('upcoming-rows').replaceChildren();
      el('schedule-error').textContent = '';
    },
  };
}
