/**
 * Which IRIs Helsevev accepts from outside: absolute http(s), normalised, and
 * safe to write between < > in Turtle and SPARQL. Its own module so that the
 * browser code (notes, the consent page) can use it without the UCUM
 * library that input.ts needs.
 */

/** An absolute http(s) IRI that is safe to write between < > in Turtle and SPARQL. */
export function isSafeHttpIri(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) return false;
  if (/[\s<>"{}|\\^`\u0000-\u001f\u007f]/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.href === value;
  } catch {
    return false;
  }
}
