// Re-rendering a table (a live event, a reload) must not throw a keyboard user's focus back to
// the top of the page: the control they were on is found again by its accessible name, or, when
// it is gone (a Skip button once skipped), the first control of the same row (`data-key`).

/** Replaces `body`'s rows, keeping focus on the same control, else on the same row's first one. */
export function replaceRows(body: HTMLElement, rows: HTMLElement[]): void {
  const focused = document.activeElement;
  const inside = focused instanceof HTMLElement && body.contains(focused);
  const name = inside ? focused.getAttribute('aria-label') : null;
  const key = inside ? focused.closest('tr')?.dataset.key : undefined;
  body.replaceChildren(...rows);
  if (!inside) return;
  const controls = [...body.querySelectorAll<HTMLElement>('button, input, select')];
  const again =
    controls.find((node) => name !== null && node.getAttribute('aria-label') === name) ??
    controls.find((node) => key !== undefined && node.closest('tr')?.dataset.key === key);
  again?.focus();
}
