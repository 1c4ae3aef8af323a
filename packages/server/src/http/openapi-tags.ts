/** The tags operations are grouped by, with their descriptions, in the document's order. */
export const OPENAPI_TAGS = {
  Auth: 'Accounts, login (JSON or the OAuth2 password grant), token refresh and logout',
  Expenses: 'Expenses: amounts in integer minor units (`amountMinor`) with the exact decimal (`amount`)',
  Categories: 'Categories (one level of nesting); deleting a used one needs `reassignTo` or `uncategorize`',
  Budgets: 'The overall budget (`/budget`) and any number of budgets (`/budgets`), with status and history',
  Alerts: 'Alert rules on budgets (`/alert` is the seed’s path, `/alerts` the plural one)',
  Notifications: 'Notifications stored when an alert rule fires, and the live notification socket (WebSocket)',
  Analytics: 'Summaries, monthly and weekly breakdowns, trends, and the streamed export',
  Imports:
    'Bank files (CSV, OFX/QFX, CAMT.053, QIF): upload to a preview of every row, decide, commit, revert; saved CSV mappings',
  Rules: 'Auto-categorisation rules: evaluated in every expense create and update; test, apply as a run, revert',
  Webhooks:
    'Signed, durable webhooks (Standard Webhooks) of the change feed: endpoints, their messages, retry, replay and secret rotation',
  Schedules:
    'Recurring expenses (`post`) and bills (`expect`): occurrences keyed by nominal date, skip, post now, upcoming',
  Changes: 'The change feed: every event after a sequence number, oldest first',
  Ops: 'Health checks, this document and the interactive docs',
} as const;
