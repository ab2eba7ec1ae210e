// JSON text read in one way everywhere: the caller says what a text that is not JSON becomes (an error of its own
// kind, or the text itself), so no reader swallows or rewords JSON.parse's message differently.

/** `JSON.parse(text)`, or what `otherwise` makes of the parser's message when the text is not JSON. */
export function parseJson<T = unknown>(text: string, otherwise: (message: string) => T): unknown | T {
  try {
    return JSON.parse(text);
  } catch (error) {
    return otherwise((error as Error).message);
  }
}
