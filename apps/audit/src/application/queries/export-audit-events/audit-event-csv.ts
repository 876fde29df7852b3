import { AuditEventView } from '../list-audit-events/audit-event.view';

/**
 * The audit trail as CSV (RFC 4180), for people who open it in a spreadsheet: a header line, one line per event,
 * CRLF line ends, UTF-8 (no byte order mark). A cell is quoted when it holds a comma, a double quote, CR or LF,
 * a double quote inside doubled.
 *
 * Formula injection (CWE-1236): a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some start
 * one after a tab or CR) as a formula, and lab titles and user names come from any CML user: a lab titled
 * `=HYPERLINK("https://evil.example","click")` would be a live link in the operator's sheet. Such a cell gets a
 * leading `'` (OWASP's advice), which spreadsheets show as text; the value is then no longer byte-exact, which
 * is what NDJSON is for.
 */

/** One column: its header and how an event's cell is read. */
interface CsvColumn {
  header: string;
  value: (event: AuditEventView) => unknown;
}

const fromData =
  (...path: string[]) =>
  (event: AuditEventView): unknown =>
    path.reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      event.data,
    );

/** Every field of both event types (CloudEvents contract v1), a column each; a field an event lacks is empty. */
const COLUMNS: readonly CsvColumn[] = [
  { header: 'time', value: (e) => e.time },
  { header: 'type', value: (e) => e.type },
  { header: 'workerId', value: (e) => e.workerId },
  { header: 'labId', value: (e) => e.labId },
  { header: 'labTitle', value: fromData('labTitle') },
  { header: 'owner', value: fromData('owner') },
  { header: 'deletedBy', value: fromData('deletedBy') },
  { header: 'alreadyAbsentInCml', value: fromData('alreadyAbsentInCml') },
  { header: 'trigger', value: fromData('trigger') },
  { header: 'reconciliationId', value: fromData('reconciliationId') },
  { header: 'lastSeenAt', value: fromData('lastSeenAt') },
  { header: 'evidenceListedAt', value: fromData('evidence', 'listedAt') },
  { header: 'evidenceConfirmedBy', value: fromData('evidence', 'confirmedBy') },
  { header: 'occurredAt', value: fromData('occurredAt') },
  { header: 'subject', value: (e) => e.subject },
  { header: 'source', value: (e) => e.source },
  { header: 'id', value: (e) => e.id },
  { header: 'receivedAt', value: (e) => e.receivedAt },
];

export const CSV_LINE_END = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: text as is, booleans and numbers as written in JSON, nothing (null, missing) as empty. */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',') + CSV_LINE_END;
}

export const AUDIT_CSV_HEADER = csvLine(COLUMNS.map((c) => c.header));

export function auditEventCsvLine(event: AuditEventView): string {
  return csvLine(COLUMNS.map((c) => c.value(event)));
}
