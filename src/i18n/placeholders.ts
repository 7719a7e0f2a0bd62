// A message's {placeholders} are its contract with the code that fills them: a translation or an
// administrator's override must keep exactly the same set, or a value would vanish or a brace show.

const PLACEHOLDER = /\{(\w+)\}/g;

/** The distinct placeholder names in a message, sorted. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort();
}

/** What `candidate` drops from and invents beyond `original`'s placeholders; both empty when it keeps them. */
export function placeholderDifference(original: string, candidate: string): { missing: string[]; unknown: string[] } {
  const want = placeholdersOf(original);
  const got = placeholdersOf(candidate);
  return { missing: want.filter((p) => !got.includes(p)), unknown: got.filter((p) => !want.includes(p)) };
}
