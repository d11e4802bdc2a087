/**
 * The key a page cursor carries. The HTTP layer decodes the opaque cursor to its JSON text (a
 * one-element array, checked by the `Cursor` codec); lists continue after that key.
 */
export const cursorKey = (cursor: string | undefined): string => (cursor === undefined ? '' : (JSON.parse(cursor) as string[])[0]!);
