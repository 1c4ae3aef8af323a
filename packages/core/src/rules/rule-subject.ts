import { toDayNumber } from '../dates.js';
import { weekdayOf } from '../schedules/nominal-dates.js';
import type { WeekdayName } from '../schedules/recurrence-schema.js';
import { foldText } from './fold-text.js';
import type { PatternGroup } from './pattern-group.js';
import type { SourceKind } from '../expenses/provenance.js';

/**
 * What rules look at: the fields of an expense (stored, being created, or an import row in
 * preview). Absent texts are `null` or left out; `amountMinor` is the positive amount in the
 * currency's minor units, as a safe integer or a bigint (bank rows carry bigints).
 *
 * @example
 * ```ts
 * import type { RuleSubject } from './rule-subject.js'; // internal to core for now
 *
 * const coffee: RuleSubject = { amountMinor: 450, currency: 'EUR', date: '2026-11-03', merchant: 'Café Nord', tags: ['work'], sourceKind: 'manual' };
 * ```
 */
export interface RuleSubject {
  amountMinor: number | bigint;
  currency: string;
  /** The expense's local date, `YYYY-MM-DD`. */
  date: string;
  description?: string | null | undefined;
  merchant?: string | null | undefined;
  notes?: string | null | undefined;
  /** The bank's own wording of an imported line. */
  originalText?: string | null | undefined;
  tags?: readonly string[] | undefined;
  sourceKind?: SourceKind | null | undefined;
}

/** A text field of {@link RuleSubject}. */
export type TextFieldName = 'description' | 'merchant' | 'notes' | 'originalText';

/** In `weekdayOf` numbering: 0 is Sunday. */
const WEEKDAYS: readonly WeekdayName[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * A subject as conditions read it, each derived value computed at most once per evaluation:
 * 500 rules asking about the merchant fold it once.
 */
export class SubjectView {
  readonly #subject: RuleSubject;
  /** Folded texts by field, filled on first use (a plain object: this is the hottest lookup). */
  readonly #texts: Partial<Record<TextFieldName, string | null>> = {};
  #tags: string[] | undefined;
  #amount: bigint | undefined;
  #weekday: WeekdayName | undefined;
  readonly #hits = new Map<PatternGroup, Map<string, Set<number>>>();

  constructor(subject: RuleSubject) {
    this.#subject = subject;
  }

  /** A text field, folded; `null` when absent or blank, which no text condition matches. */
  text(field: TextFieldName): string | null {
    let folded = this.#texts[field];
    if (folded === undefined) {
      const raw = this.#subject[field];
      folded = raw === null || raw === undefined ? null : foldText(raw) || null;
      this.#texts[field] = folded;
    }
    return folded;
  }

  /** The tags, folded, blanks left out. */
  tags(): string[] {
    this.#tags ??= (this.#subject.tags ?? []).map(foldText).filter((tag) => tag !== '');
    return this.#tags;
  }

  /**
   * Which patterns of `group` match a text field (any tag, for `tags`): the group runs once
   * per field and evaluation, however many of its patterns the rules ask about.
   */
  patternHits(group: PatternGroup, field: TextFieldName | 'tags'): Set<number> {
    let byField = this.#hits.get(group);
    if (!byField) this.#hits.set(group, (byField = new Map<TextFieldName | 'tags', Set<number>>()));
    let hits = byField.get(field);
    if (!hits) {
      hits =
        field === 'tags' ? new Set(this.tags().flatMap((tag) => [...group.hits(tag)])) : this.#textHits(group, field);
      byField.set(field, hits);
    }
    return hits;
  }

  #textHits(group: PatternGroup, field: TextFieldName): Set<number> {
    const text = this.text(field);
    return text === null ? new Set() : group.hits(text);
  }

  amount(): bigint {
    this.#amount ??= BigInt(this.#subject.amountMinor);
    return this.#amount;
  }

  currency(): string {
    return this.#subject.currency.toUpperCase();
  }

  date(): string {
    return this.#subject.date;
  }

  /** The weekday of the expense's local date: no time zone is involved. */
  weekday(): WeekdayName {
    this.#weekday ??= WEEKDAYS[weekdayOf(toDayNumber(this.#subject.date))]!;
    return this.#weekday;
  }

  sourceKind(): SourceKind | null {
    return this.#subject.sourceKind ?? null;
  }
}
