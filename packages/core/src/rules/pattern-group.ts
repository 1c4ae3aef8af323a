import { RE2JS, RE2Set } from 're2js';

/**
 * Patterns of one text field run together, as one RE2 set: a single pass over the text
 * answers every `matches` condition on that field. Testing 100 patterns one by one cost
 * ~350 µs per expense here (bench/rules.ts), the set ~10 µs.
 */

/** Patterns per set: 100 × the 2,000-instruction cap of one pattern stays far below RE2's program limit. */
const PATTERNS_PER_SET = 100;
/**
 * Memory for one set's lazily built DFA states. Past it RE2 falls back to its NFA, slower
 * but still linear; the bound keeps a cached evaluator per owner small.
 */
const DFA_MEMORY = 1 << 20;

/** A handle to one pattern of a group: whether it matched is looked up in the group's hits. */
export interface PatternSlot {
  readonly group: PatternGroup;
  readonly index: number;
}

/** Up to {@link PATTERNS_PER_SET} folded patterns, compiled together on first use. */
export class PatternGroup {
  readonly #set = new RE2Set(RE2Set.UNANCHORED, RE2JS.CASE_INSENSITIVE, DFA_MEMORY);
  #size = 0;

  get full(): boolean {
    return this.#size >= PATTERNS_PER_SET;
  }

  /** Adds a pattern already checked by `compilePattern` (and folded by it). */
  add(folded: string): number {
    this.#size += 1;
    return this.#set.add(folded);
  }

  /** The indexes of the patterns that match somewhere in `text` (already folded). */
  hits(text: string): Set<number> {
    return new Set(this.#set.match(text));
  }
}

/** The pattern groups of one rule set, a list per field. */
export class PatternGroups {
  readonly #byField = new Map<string, PatternGroup[]>();

  /** Places a folded pattern of `field` in a group with room. */
  add(field: string, folded: string): PatternSlot {
    const groups = this.#byField.get(field) ?? [];
    this.#byField.set(field, groups);
    let group = groups.at(-1);
    if (!group || group.full) {
      group = new PatternGroup();
      groups.push(group);
    }
    return { group, index: group.add(folded) };
  }
}
