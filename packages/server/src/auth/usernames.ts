import unhomoglyph from 'unhomoglyph';

/** The characters a username may use once NFKC-normalised; 3 to 64 of them. */
const USERNAME = /^[\p{L}\p{N}._@+-]{3,64}$/u;

/** The forms of one username the server stores and compares. */
export interface UsernameForms {
  /** What the account shows: the name as typed, trimmed and NFKC-normalised (`ａｌｉｃｅ` → `alice`). */
  display: string;
  /** The login key: `display` lower-cased (and NFKC again). Unique; logins look accounts up by it. */
  key: string;
  /**
   * The UTS #39 skeleton of `key` (confusables.txt, via `unhomoglyph`): names that look alike
   * share it (Cyrillic `а` and Latin `a`, `rn` and `m`, `0` and `o`). Unique: a second name with a
   * taken skeleton is refused at registration; logins never use it.
   */
  skeleton: string;
}

/** Case-folds an NFKC string: lower-case, then NFKC again (lower-casing can un-normalise). */
function fold(name: string): string {
  return name.toLowerCase().normalize('NFKC');
}

/**
 * The stored forms of a username, or `null` when its NFKC form breaks the rules the schema
 * checked on the raw input (NFKC can turn a letter into punctuation: `½` → `1⁄2`).
 */
export function usernameForms(raw: string): UsernameForms | null {
  const display = raw.trim().normalize('NFKC');
  if (!USERNAME.test(display)) return null;
  const key = fold(display);
  return { display, key, skeleton: skeletonOf(key) };
}

/** The skeleton of a login key: NFD, confusables mapped to their prototypes, NFD, lower-cased. */
export function skeletonOf(key: string): string {
  return unhomoglyph(key.normalize('NFD')).normalize('NFD').toLowerCase();
}

/**
 * The keys a login name can match: the normalised key, and the key an account made before
 * usernames were normalised kept (the name trimmed and lower-cased) when normalising it would
 * have collided with another account. An account whose key is exactly `legacy` wins.
 */
export function loginKeys(raw: string): { key: string; legacy: string } {
  const legacy = raw.trim().toLowerCase();
  return { key: fold(raw.trim().normalize('NFKC')), legacy };
}
