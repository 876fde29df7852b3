import { terminalSafe } from './terminal-text';

export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
  /** Right-aligned (counts). */
  numeric?: boolean;
  /** Colours a cell's text; the width is measured on the plain text and the padding stays uncoloured. */
  paint?: (text: string, row: Row) => string;
}

/**
 * Rows as aligned columns under a header, two spaces apart, the last column not padded. Cells are made
 * terminal-safe; `paint` (colour) wraps the text alone, so that escape codes never count as width.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => terminalSafe(c.value(row))));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]!))));
  const line = (texts: string[], row?: Row) =>
    texts
      .map((text, i) => {
        const column = columns[i]!;
        const last = i === texts.length - 1;
        const padding = ' '.repeat(widths[i]! - width(text));
        const shown = row !== undefined && column.paint && text !== '' ? column.paint(text, row) : text;
        return column.numeric ? padding + shown : last ? shown : shown + padding;
      })
      .join('  ')
      .trimEnd();
  return (
    [line(columns.map((c) => c.header)), ...cells.map((texts, r) => line(texts, rows[r]))].join('\n') + '\n'
  );
}

/** Characters as a terminal shows them, near enough: code points, not UTF-16 units. */
function width(text: string): number {
  return [...text].length;
}
