// The import page of the dashboard (SPEC §7.1): upload a bank file, see every row with its
// state and what the rules would give it, change a decision, commit with a progress bar fed
// by the socket's import.progress messages, revert. Only the public API is used.

interface ImportCounts {
  total: number;
  new: number;
  duplicate: number;
  possibleDuplicate: number;
  invalid: number;
  inflowIgnored: number;
  created: number;
}

interface Import {
  id: string;
  state: string;
  fileName: string | null;
  counts: ImportCounts;
}

interface ImportRow {
  n: number;
  state: string;
  date: string | null;
  amount: string | null;
  currency: string | null;
  description: string | null;
  reason: { message: string } | null;
  decision: 'create' | 'skip' | 'link' | null;
  candidateIds: string[];
  rules: { categoryId: string | null } | null;
}

/** A progress message of the socket (no seq: it is not part of the feed). */
export interface ProgressMessage {
  type: 'import.progress';
  data: { importId: string; phase: 'preview' | 'commit'; rows: number; total: number | null };
}

/** What the page needs of the dashboard: its API call, the auth header, its error report. */
export interface ImportDeps {
  api<T>(path: string, init?: RequestInit): Promise<T>;
  authorization(): string | null;
}

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

let current: Import | null = null;
/** Category names by id, read with each render: a rule's category shows by name. */
let categoryNames = new Map<string, string>();

function cell(content: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = content;
  if (className) td.className = className;
  return td;
}

/** The decisions a row in this state can take: a credit (inflow_ignored) is created as a refund. */
function choices(row: ImportRow): string[] {
  if (row.state === 'invalid') return [];
  if (row.state === 'duplicate') return ['skip'];
  if (row.state === 'inflow_ignored') return ['', 'create', 'skip'];
  return row.candidateIds.length > 0 ? ['create', 'skip', 'link'] : ['create', 'skip'];
}

function label(choice: string, row: ImportRow): string {
  if (choice === '') return 'ignore (money in)';
  if (choice === 'create' && row.state === 'inflow_ignored') return 'create as refund';
  return choice;
}

function decisionCell(deps: ImportDeps, row: ImportRow): HTMLTableCellElement {
  const td = document.createElement('td');
  const options = choices(row);
  if (options.length === 0 || current?.state !== 'previewed') {
    td.textContent = row.decision ?? '—';
    return td;
  }
  const select = document.createElement('select');
  select.setAttribute('aria-label', `Decision for row ${row.n}`);
  for (const choice of options) {
    const option = document.createElement('option');
    option.value = choice;
    option.textContent = label(choice, row);
    select.append(option);
  }
  select.value = row.decision ?? '';
  select.addEventListener('change', () => {
    if (select.value === '') return;
    void deps
      .api<ImportRow>(`/imports/${current?.id}/rows/${row.n}`, {
        method: 'PATCH',
        body: JSON.stringify({ decision: select.value }),
      })
      .then(() => show(deps, current?.id ?? ''), showError);
  });
  td.append(select);
  return td;
}

function renderRows(deps: ImportDeps, rows: ImportRow[]): void {
  const body = el('import-rows');
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      const id = row.rules?.categoryId;
      const category = id ? (categoryNames.get(id) ?? id) : '';
      tr.append(
        cell(String(row.n)),
        cell(row.date ?? ''),
        cell(row.amount === null ? '' : `${row.amount} ${row.currency ?? ''}`),
        cell(row.description ?? row.reason?.message ?? ''),
        cell(row.state, `state-${row.state}`),
        cell(category),
        decisionCell(deps, row),
      );
      return tr;
    }),
  );
}

function renderImport(imp: Import): void {
  const c = imp.counts;
  el('import-summary').textContent =
    `${imp.fileName ?? 'Import'}: ${imp.state} — ${c.total} rows: ${c.new} new, ${c.duplicate} duplicate, ` +
    `${c.possibleDuplicate} possible duplicate, ${c.invalid} invalid, ${c.inflowIgnored} money in; ${c.created} created`;
  el<HTMLButtonElement>('import-commit').hidden = imp.state !== 'previewed' && imp.state !== 'committing';
  el<HTMLButtonElement>('import-revert').hidden = imp.state !== 'committed';
  el('import-review').hidden = false;
}

async function show(deps: ImportDeps, id: string): Promise<void> {
  current = await deps.api<Import>(`/imports/${id}`);
  const categories = await deps.api<{ id: string; name: string }[]>('/categories');
  categoryNames = new Map(categories.map((c) => [c.id, c.name]));
  renderImport(current);
  renderRows(deps, (await deps.api<{ items: ImportRow[] }>(`/imports/${id}/rows?limit=200`)).items);
}

function showError(error: unknown): void {
  el('import-error').textContent = error instanceof Error ? error.message : String(error);
}

/** Moves the progress bar: called with each import.progress message of the socket. */
export function importProgress(message: ProgressMessage): void {
  if (message.data.importId !== current?.id || message.data.phase !== 'commit') return;
  const bar = el<HTMLProgressElement>('import-progress');
  bar.max = message.data.total ?? message.data.rows;
  bar.value = message.data.rows;
  bar.textContent = `${message.data.rows} rows`;
}

async function upload(deps: ImportDeps): Promise<void> {
  const body = new FormData();
  body.set('sourceKey', el<HTMLInputElement>('import-source').value);
  const mapping = el<HTMLTextAreaElement>('import-mapping').value.trim();
  if (mapping !== '') body.set('mapping', mapping);
  const file = el<HTMLInputElement>('import-file').files?.[0];
  if (!file) throw new Error('Choose a file');
  body.set('file', file); // the file part last: fields first, as the API reads them
  const authorization = deps.authorization();
  const response = await fetch('/imports', {
    method: 'POST',
    headers: authorization ? { authorization } : {},
    body,
  });
  const answer = (await response.json()) as Import & { detail?: string };
  if (!response.ok) throw new Error(answer.detail ?? `Upload failed (${response.status})`);
  await show(deps, answer.id);
}

/** Wires the import section's form and buttons. */
export function setupImports(deps: ImportDeps): void {
  el<HTMLFormElement>('import-form').addEventListener('submit', (event) => {
    event.preventDefault();
    el('import-error').textContent = '';
    void upload(deps).catch(showError);
  });
  el('import-commit').addEventListener('click', () => {
    if (!current) return;
    el<HTMLProgressElement>('import-progress').value = 0;
    void deps
      .api<Import>(`/imports/${current.id}/commit`, { method: 'POST' })
      .then((imp) => show(deps, imp.id), showError);
  });
  el('import-revert').addEventListener('click', () => {
    if (!current) return;
    void deps
      .api<Import>(`/imports/${current.id}/revert`, { method: 'POST' })
      .then((imp) => show(deps, imp.id), showError);
  });
}
