// Re-rendering a table (a live event, a reload) must not throw a keyboard user's focus back to
// the top of the page: the control they were on is found again by its accessible name.

/** Replaces `body`'s rows; when focus was on a control in it, focuses the control of the same name again. */
export function replaceRows(body: HTMLElement, rows: HTMLElement[]): void {
  const focused = document.activeElement;
  const name = focused instanceof HTMLElement && body.contains(focused) ? focused.getAttribute('aria-label') : null;
  body.replaceChildren(...rows);
  if (name === null) return;
  const again = [...body.querySelectorAll<HTMLElement>('[aria-label]')].find(
    (node) => node.getAttribute('aria-label') === name,
  );
  again?.focus();
}
