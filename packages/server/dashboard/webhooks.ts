// The settings page's webhooks section: endpoints listed without their secrets (a new one's is shown
// once, right after it is made), and the recent messages of the one selected, a dead one retried by hand.

interface WebhookEndpoint {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: 'gone' | 'manual' | null;
}
interface WebhookMessage {
  id: string;
  type: string;
  seq: number;
  state: 'pending' | 'delivering' | 'delivered' | 'dead';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

/** What the section needs of the page: its API call (401 handled) and two DOM helpers. */
export interface WebhooksPage {
  api: <T>(path: string, init?: RequestInit) => Promise<T>;
  el: <T extends HTMLElement = HTMLElement>(id: string) => T;
  text: (tag: string, content: string, className?: string) => HTMLElement;
}

/** The section's controls: `load` lists the endpoints, `changed` follows a live event, `clear` forgets all on logout. */
export interface WebhooksSection {
  load(): Promise<void>;
  changed(type: string): void;
  clear(): void;
}

const STATE_OF = (endpoint: WebhookEndpoint): string =>
  endpoint.enabled
    ? 'enabled'
    : endpoint.disabledReason === 'gone'
      ? 'disabled: the receiver answered 410'
      : 'disabled';

/** Wires the webhooks section of the page. */
export function createWebhooksSection({ api, el, text }: WebhooksPage): WebhooksSection {
  let selected: WebhookEndpoint | null = null;

  const showError = (error: unknown): void => {
    if (error instanceof Error && error.message !== 'unauthorized') el('webhook-error').textContent = error.message;
  };
  const button = (label: string, name: string, onClick: () => Promise<void>): HTMLElement => {
    const node = text('button', label);
    node.setAttribute('type', 'button');
    node.setAttribute('aria-label', name);
    node.addEventListener('click', () => void onClick().catch(showError));
    return node;
  };
  const emptyRow = (body: HTMLElement, message: string, columns: number): void => {
    const cell = text('td', message, 'empty');
    cell.setAttribute('colspan', String(columns));
    const row = document.createElement('tr');
    row.append(cell);
    body.replaceChildren(row);
  };

  async function loadMessages(): Promise<void> {
    const shown = selected !== null;
    el('webhook-messages').hidden = !shown;
    el('webhook-messages-title').hidden = !shown;
    if (!selected) return;
    el('webhook-messages-title').textContent = `Recent messages to ${selected.url}`;
    const endpoint = selected;
    const list = await api<WebhookMessage[]>(`/webhooks/${encodeURIComponent(endpoint.id)}/messages?limit=20`);
    const body = el('webhook-message-rows');
    if (list.length === 0) return emptyRow(body, 'No messages yet.', 6);
    body.replaceChildren(
      ...list.map((message) => {
        const row = document.createElement('tr');
        row.dataset.state = message.state;
        const actions = document.createElement('td');
        if (message.state === 'dead')
          actions.append(
            button('Retry', `Retry message ${message.seq}`, async () => {
              const path = `/webhooks/${encodeURIComponent(endpoint.id)}/messages/${encodeURIComponent(message.id)}/retry`;
              await api<WebhookMessage>(path, { method: 'POST' });
              await loadMessages();
            }),
          );
        const answer = message.lastStatus === null ? (message.lastError ?? '—') : `HTTP ${message.lastStatus}`;
        row.append(
          text('td', message.type),
          text('td', String(message.seq)),
          text('td', message.state),
          text('td', String(message.attempts)),
          text('td', answer),
          actions,
        );
        return row;
      }),
    );
  }

  async function load(): Promise<void> {
    const list = await api<WebhookEndpoint[]>('/webhooks');
    selected = list.find((endpoint) => endpoint.id === selected?.id) ?? list[list.length - 1] ?? null;
    const body = el('webhook-rows');
    if (list.length === 0) emptyRow(body, 'No webhooks.', 3);
    else
      body.replaceChildren(
        ...list.map((endpoint) => {
          const row = document.createElement('tr');
          row.dataset.webhookId = endpoint.id;
          const actions = document.createElement('td');
          actions.append(
            button('Messages', `Messages of ${endpoint.url}`, async () => {
              selected = endpoint;
              await loadMessages();
            }),
            button('Delete', `Delete ${endpoint.url}`, async () => {
              if (!confirm(`Delete the webhook to ${endpoint.url}? Its undelivered messages go with it.`)) return;
              await api<undefined>(`/webhooks/${encodeURIComponent(endpoint.id)}`, { method: 'DELETE' });
              el('webhook-created').hidden = true;
              await load();
            }),
          );
          row.append(text('th', endpoint.url), text('td', STATE_OF(endpoint)), actions);
          row.firstElementChild!.setAttribute('scope', 'row');
          return row;
        }),
      );
    await loadMessages();
  }

  el<HTMLFormElement>('webhook-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    el('webhook-error').textContent = '';
    const body = { url: new FormData(form).get('url') };
    void api<WebhookEndpoint & { secret: string }>('/webhooks', { method: 'POST', body: JSON.stringify(body) })
      .then(async (created) => {
        el('webhook-secret').textContent = created.secret;
        el('webhook-created').hidden = false;
        form.reset();
        selected = created;
        await load();
      })
      .catch(showError);
  });

  return {
    load,
    changed(type) {
      // A dead message or a disabled endpoint (from any instance) shows at once; deliveries on the next look.
      if (type.startsWith('webhook.')) void load().catch(showError);
    },
    clear() {
      selected = null;
      el('webhook-secret').textContent = '';
      el('webhook-created').hidden = true;
      el('webhook-rows').replaceChildren();
      el('webhook-message-rows').replaceChildren();
    },
  };
}
