// Calendar dates for the rules and bills sections: the owner's "today" and day arithmetic on
// YYYY-MM-DD strings (UTC noon-free: a date is a label, never an instant in the browser's zone).

/** What a section needs to ask the API (401 handled by the page). */
export type Api = <T>(path: string, init?: RequestInit) => Promise<T>;

/**
 * Today in the owner's time zone (their settings, as the server computes dates), read off this
 * device's clock: a range like "the last 90 days" then means the same days the server counts.
 */
export async function ownerToday(api: Api): Promise<string> {
  const account = await api<{ settings: { timezone: string } }>('/auth/me');
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: account.settings.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}

/** `date` moved by `days` (negative: back), through UTC so no daylight-saving day is lost. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
