// Keeping error lines short: a user's error is one line of at most ~300 characters, so long values are cut
// and long lists summarised rather than echoed whole.

/** Values longer than `max` characters are cut with "..." and their length noted; control characters are shown escaped. */
export function clip(value: string, max = 80): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point (they are shown escaped)
  const shown = value.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return shown.length <= max ? shown : `${shown.slice(0, max)}... (${value.length} characters)`;
}

/** "a, b, c" for short lists; "a, b, c, ... (n in all)" once the list passes `max` items. */
export function summariseList(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")}, ... (${items.length} in all)`;
}

/** Every line of a message cut to `max` characters: the last guard before a message reaches the terminal. */
export function clipLines(message: string, max = 300): string {
  return message
    .split("\n")
    .map((line) => (line.length <= max ? line : `${line.slice(0, max - 3)}...`))
    .join("\n");
}
