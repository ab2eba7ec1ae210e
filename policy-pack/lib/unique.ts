// One de-duplication for the pack: findings repeated across statements or resources, locations found twice.

/** The items in order, each key kept once (its first item). */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
