// C0 controls (tab and newline too: a cell is one line), DEL and C1 controls, which include ESC and CSI.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A value from the API as it may be shown on a terminal: lab titles and owners come from CML, where anyone can
 * write an escape sequence into a title that would recolour or rewrite the operator's screen. Controls become
 * U+FFFD.
 */
export function terminalSafe(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(CONTROL, '\ufffd');
}
