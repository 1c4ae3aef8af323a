// The dashboard served at /app: plain TypeScript over the public REST API and the
// notification WebSocket. Bundled with chart.js by esbuild (dashboard/build.mjs); no inline
// script or style, so it runs under the server's CSP (`script-src 'self'`).
import {
  ArcElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { createWebhooksSection } from './webhooks.js';
import { createBillsSection } from './bills.js';
import { createRulesSection } from './rules.js';
import { importProgress, setupImports, type ProgressMessage } from './imports.js';
import { createMoneyIn } from './money-in.js';

Chart.register(
  ArcElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

interface CategoryTotal {
  categoryName: string | null;
  total: string;
  sharePercent: number;
}
interface Summary {
  from: string;
  to: string;
  currencies: {
    currency: string;
    total: string;
    count: number;
    refundCount: number;
    refunded: string;
    byCategory: CategoryTotal[];
  }[];
}
interface Trends {
  currency: string;
  points: { start: string; total: string }[];
}
interface Budget {
  id: string;
  name: string;
  amount: string;
  currency: string;
}
interface BudgetStatus {
  period: { start: string; end: string };
  spentMinor: number;
  availableMinor: number;
  percentUsed: number | null;
  projectedSpendMinor: number;
  projectedExceedDate: string | null;
  state: 'ok' | 'warning' | 'exceeded';
  forecastConfident: boolean;
  forecastConfidentFrom: string;
}
interface Notification {
  id: string;
  message: string;
  createdAt: string;
  readAt: string | null;
}
interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string;
  lastUsedAt: string | null;
}
interface TokenPair {
  access_token: string;
  refresh_token: string;
}

const LIVE_TYPES = /^(expense\.|alert\.triggered$|budget\.)/;
const COLORS = ['#3b6ee8', '#e8833b', '#36a26b', '#c94a8a', '#8a63d2', '#d4b21f', '#2fa4b5', '#7b8597'];

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const text = (tag: string, content: string, className?: string): HTMLElement => {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
};

// ---- Money: the API's decimal strings are shown as they are; only minor units are re-written, as strings.

/** `1234567.50` → `1,234,567.50`: grouping by string, never through a float. */
function group(amount: string): string {
  const [whole = '', fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const money = (amount: string, currency: string): string => `${group(amount)} ${currency}`;

/** Minor units as a decimal string with `exponent` fraction digits (`4250, 2` → `42.50`). */
function fromMinor(minor: number, exponent: number): string {
  const digits = Math.abs(minor)
    .toString()
    .padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  return minor < 0 ? `-${whole}` : whole;
}

/** A budget's currency exponent, read off its exact `amount` string (`500.00` → 2). */
const exponentOf = (budget: Budget): number => budget.amount.split('.')[1]?.length ?? 0;

// ---- The API, with the access token refreshed once on a 401.

let tokens: TokenPair | null = JSON.parse(sessionStorage.getItem('tokens') ?? 'null') as TokenPair | null;

function saveTokens(pair: TokenPair | null): void {
  tokens = pair;
  if (pair)
    sessionStorage.setItem(
      'tokens',
      JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token }),
    );
  else sessionStorage.removeItem('tokens');
}

async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (tokens) headers.set('authorization', `Bearer ${tokens.access_token}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(path, { ...init, headers });
}

async function refreshTokens(): Promise<boolean> {
  if (!tokens) return false;
  const response = await fetch('/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: tokens.refresh_token }),
  });
  saveTokens(response.ok ? ((await response.json()) as TokenPair) : null);
  return response.ok;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response = await send(path, init);
  if (response.status === 401 && (await refreshTokens())) response = await send(path, init);
  if (response.status === 401) {
    showLogin('Your session ended: log in again.');
    throw new Error('unauthorized');
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
    // The problem+json rides along, for a form to show its issues next to their fields.
    throw Object.assign(new Error(problem.detail ?? problem.title ?? `${path} answered ${response.status}`), {
      problem,
    });
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}

// ---- Rendering.

let categoryChart: Chart<'doughnut'> | null = null;
let trendChart: Chart<'line'> | null = null;

/** " less 2 refunds (−30.00 USD)": refunds are already netted out of the total, so say so. */
function refundsOf(entry: Summary['currencies'][number]): string {
  if (entry.refundCount === 0) return '';
  const plural = entry.refundCount === 1 ? '' : 's';
  return ` less ${entry.refundCount} refund${plural} (−${money(entry.refunded, entry.currency)})`;
}

function renderSummary(summary: Summary): void {
  const first = summary.currencies[0];
  const categories = first?.byCategory ?? [];
  el('summary-total').textContent = first
    ? `${money(first.total, first.currency)} in ${first.count} expense${first.count === 1 ? '' : 's'}${refundsOf(first)}, ${summary.from} to ${summary.to}`
    : `No spending from ${summary.from} to ${summary.to}`;
  const labels = categories.map((c) => c.categoryName ?? 'Uncategorized');
  const list = el('category-list');
  list.replaceChildren(
    ...categories.map((c, i) => text('li', `${labels[i]}: ${money(c.total, first!.currency)} (${c.sharePercent}%)`)),
  );
  // Chart.js needs numbers to draw; every label and tooltip shows the exact string.
  const data = { labels, datasets: [{ data: categories.map((c) => Number(c.total)), backgroundColor: COLORS }] };
  const tooltip = {
    callbacks: { label: (item: { dataIndex: number }) => money(categories[item.dataIndex]!.total, first!.currency) },
  };
  if (categoryChart) {
    categoryChart.data = data;
    categoryChart.options.plugins!.tooltip = tooltip;
    categoryChart.update();
  } else {
    categoryChart = new Chart(el<HTMLCanvasElement>('category-chart'), {
      type: 'doughnut',
      data,
      options: { maintainAspectRatio: false, plugins: { tooltip, legend: { position: 'right' } } },
    });
  }
}

function renderTrend(trends: Trends): void {
  const data = {
    labels: trends.points.map((p) => p.start),
    datasets: [
      {
        label: `Spent (${trends.currency})`,
        data: trends.points.map((p) => Number(p.total)),
        borderColor: COLORS[0],
        backgroundColor: 'rgba(59, 110, 232, 0.15)',
        fill: true,
        tension: 0.25,
      },
    ],
  };
  const tooltip = {
    callbacks: { label: (item: { dataIndex: number }) => money(trends.points[item.dataIndex]!.total, trends.currency) },
  };
  if (trendChart) {
    trendChart.data = data;
    trendChart.options.plugins!.tooltip = tooltip;
    trendChart.update();
  } else {
    trendChart = new Chart(el<HTMLCanvasElement>('trend-chart'), {
      type: 'line',
      data,
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } }, plugins: { tooltip } },
    });
  }
}

function renderBudgets(rows: { budget: Budget; status: BudgetStatus }[]): void {
  const body = el('budget-rows');
  if (rows.length === 0) {
    const cell = text('td', 'No budgets yet.', 'empty');
    cell.setAttribute('colspan', '7');
    body.replaceChildren(document.createElement('tr'));
    body.firstElementChild!.append(cell);
    return;
  }
  body.replaceChildren(
    ...rows.map(({ budget, status }) => {
      const amount = (minor: number) => money(fromMinor(minor, exponentOf(budget)), budget.currency);
      const row = document.createElement('tr');
      row.dataset.budgetId = budget.id;
      // Early in a period the pace says little: the forecast is shown as an estimate until it counts.
      const exceeds = status.projectedExceedDate ? `, exceeds on ${status.projectedExceedDate}` : '';
      const forecast = status.forecastConfident
        ? `${amount(status.projectedSpendMinor)}${exceeds}`
        : `≈ ${amount(status.projectedSpendMinor)} (early estimate until ${status.forecastConfidentFrom})`;
      row.append(
        text('th', budget.name),
        text('td', `${status.period.start} to ${status.period.end}`),
        text('td', amount(status.spentMinor), 'num spent'),
        text('td', amount(status.availableMinor), 'num'),
        text('td', status.percentUsed === null ? '–' : `${status.percentUsed}%`, 'num'),
        text('td', forecast, 'num'),
        text('td', status.state, `state-${status.state}`),
      );
      row.firstElementChild!.setAttribute('scope', 'row');
      return row;
    }),
  );
}

function renderNotifications(notifications: Notification[]): void {
  const list = el('notifications');
  if (notifications.length === 0) return list.replaceChildren(text('li', 'No notifications.', 'empty'));
  list.replaceChildren(
    ...notifications.map((n) => {
      const item = text('li', n.message, n.readAt ? undefined : 'unread');
      const time = text('time', new Date(n.createdAt).toLocaleString());
      time.setAttribute('datetime', n.createdAt);
      item.append(time);
      return item;
    }),
  );
}

async function refresh(): Promise<void> {
  const granularity = el<HTMLSelectElement>('granularity').value;
  const [summary, trends, budgets, notifications] = await Promise.all([
    api<Summary>('/analytics/summary'),
    api<Trends>(`/analytics/trends?granularity=${granularity}`),
    api<Budget[]>('/budgets'),
    api<Notification[]>('/notifications?limit=10'),
  ]);
  const statuses = await Promise.all(
    budgets.map((b) => api<BudgetStatus>(`/budgets/${encodeURIComponent(b.id)}/status`)),
  );
  renderSummary(summary);
  renderTrend(trends);
  renderBudgets(budgets.map((budget, i) => ({ budget, status: statuses[i]! })));
  renderNotifications(notifications);
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed ?? '0') + 1);
}

// ---- API tokens: listed without their secrets; a new one is shown once, right after it is made.

function renderTokens(list: ApiToken[]): void {
  const body = el('token-rows');
  if (list.length === 0) {
    const cell = text('td', 'No API tokens.', 'empty');
    cell.setAttribute('colspan', '6');
    body.replaceChildren(document.createElement('tr'));
    body.firstElementChild!.append(cell);
    return;
  }
  body.replaceChildren(
    ...list.map((token) => {
      const row = document.createElement('tr');
      row.dataset.tokenId = token.id;
      const revoke = text('button', 'Revoke');
      revoke.setAttribute('type', 'button');
      revoke.setAttribute('aria-label', `Revoke ${token.name}`);
      revoke.addEventListener('click', () => void revokeToken(token).catch(showTokenError));
      const actions = document.createElement('td');
      actions.append(revoke);
      row.append(
        text('th', token.name),
        text('td', `${token.prefix}…`),
        text('td', token.scopes.join(' ')),
        text('td', new Date(token.expiresAt).toLocaleDateString()),
        text('td', token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : 'never'),
        actions,
      );
      row.firstElementChild!.setAttribute('scope', 'row');
      return row;
    }),
  );
}

function showTokenError(error: unknown): void {
  if (error instanceof Error && error.message !== 'unauthorized') el('token-error').textContent = error.message;
}

async function loadTokens(): Promise<void> {
  renderTokens(await api<ApiToken[]>('/auth/tokens'));
}

async function revokeToken(token: ApiToken): Promise<void> {
  if (!confirm(`Revoke "${token.name}"? Scripts using it stop working at once.`)) return;
  await api<undefined>(`/auth/tokens/${encodeURIComponent(token.id)}`, { method: 'DELETE' });
  el('token-created').hidden = true;
  await loadTokens();
}

el<HTMLFormElement>('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  el('token-error').textContent = '';
  const body = { name: form.get('name'), preset: form.get('preset'), expiresInDays: Number(form.get('days')) };
  void api<ApiToken & { token: string }>('/auth/tokens', { method: 'POST', body: JSON.stringify(body) })
    .then(async (created) => {
      el('token-secret').textContent = created.token;
      el('token-created').hidden = false;
      (event.target as HTMLFormElement).reset();
      await loadTokens();
    })
    .catch(showTokenError);
});

// ---- Webhooks: their own module (dashboard/webhooks.ts), over the same API call.

const webhooks = createWebhooksSection({ api, el, text });
const moneyIn = createMoneyIn({ api, el, text });
// Rules and bills: their own modules (dashboard/rules.ts, dashboard/bills.ts).
const sections = [createRulesSection({ api, el, text }), createBillsSection({ api, el, text })];

// ---- Live updates: the notification socket; events refresh the page, debounced.

let socket: WebSocket | null = null;
let lastSeq: number | null = null;
let pending: ReturnType<typeof setTimeout> | undefined;

function setLive(on: boolean, label: string): void {
  el('live').textContent = label;
  el('live').classList.toggle('on', on);
}

function scheduleRefresh(): void {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh().catch(report), 150);
}

function connect(): void {
  if (!tokens) return;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const after = lastSeq === null ? '' : `&after=${lastSeq}`;
  const ws = new WebSocket(
    `${scheme}://${location.host}/ws/notifications?token=${encodeURIComponent(tokens.access_token)}${after}`,
  );
  socket = ws;
  ws.addEventListener('open', () => setLive(true, 'Live'));
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { type: string; seq?: number };
    // import.progress carries no seq (it is not in the feed): it must not move the resume point.
    if (message.type === 'import.progress') return importProgress(message as ProgressMessage);
    if (typeof message.seq === 'number') lastSeq = message.seq;
    if (LIVE_TYPES.test(message.type)) scheduleRefresh();
    webhooks.changed(message.type);
    moneyIn.changed(message.type);
    for (const section of sections) section.changed(message.type);
  });
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return; // logged out, or replaced
    setLive(false, 'Reconnecting…');
    // 4001: the access token expired; refresh it, then resume after the last seq seen.
    setTimeout(
      () =>
        void (event.code === 4001 ? refreshTokens() : Promise.resolve(true)).then((ok) =>
          ok ? connect() : showLogin('Your session ended: log in again.'),
        ),
      2000,
    );
  });
}

// ---- Login and logout.

function report(error: unknown): void {
  if (error instanceof Error && error.message !== 'unauthorized') setLive(false, `Error: ${error.message}`);
}

function showLogin(message = ''): void {
  const ws = socket;
  socket = null;
  ws?.close();
  saveTokens(null);
  el('login-error').textContent = message;
  el('login').hidden = false;
  el('dashboard').hidden = true;
  // A token shown once stays on no screen after logout.
  el('token-secret').textContent = '';
  el('token-created').hidden = true;
  webhooks.clear();
  moneyIn.clear();
  for (const section of sections) section.clear();
  el('logout').hidden = true;
  setLive(false, 'Offline');
}

function showDashboard(): void {
  el('login').hidden = true;
  el('dashboard').hidden = false;
  el('logout').hidden = false;
  void refresh().then(connect, report);
  void loadTokens().catch(showTokenError);
  void moneyIn.load().catch(report);
  void webhooks.load().catch((error: unknown) => {
    if (error instanceof Error && error.message !== 'unauthorized') el('webhook-error').textContent = error.message;
  });
  for (const section of sections) void section.load();
}

el<HTMLFormElement>('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  el('login-error').textContent = '';
  fetch('/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  })
    .then(async (response) => {
      if (!response.ok)
        throw new Error(response.status === 401 ? 'Wrong username or password.' : `Login failed (${response.status}).`);
      saveTokens((await response.json()) as TokenPair);
      showDashboard();
    })
    .catch((error: Error) => {
      el('login-error').textContent = error.message;
    });
});

el('logout').addEventListener('click', () => {
  void send('/auth/logout', { method: 'POST' }).finally(() => showLogin());
});

el('granularity').addEventListener('change', () => void refresh().catch(report));

setupImports({ api, authorization: () => (tokens ? `Bearer ${tokens.access_token}` : null) });

if (tokens) showDashboard();
