import fc from 'fast-check';
import { parseCsvWithPython } from '../../../testing/parse-csv-with-python';
import { aDeletedEvent, anOrphanRemovedEvent } from '../../../testing/lab-audit-event.fixture';
import { AUDIT_CSV_HEADER, auditEventCsvLine, csvCell, csvLine } from './audit-event-csv';

const stored = (event: ReturnType<typeof aDeletedEvent> | ReturnType<typeof anOrphanRemovedEvent>) => ({
  source: event.source,
  id: event.id,
  type: event.type,
  subject: event.subject,
  time: event.time,
  workerId: event.workerId,
  labId: event.labId,
  data: event.data as Record<string, unknown>,
  receivedAt: '2024-06-01T08:00:00.000Z',
});

describe('audit event CSV', () => {
  it.each<[string, unknown, string]>([
    ['plain text as is', 'BGP lab', 'BGP lab'],
    ['a comma quoted', 'a,b', '"a,b"'],
    ['a double quote doubled and quoted', 'say "hi"', '"say ""hi"""'],
    ['LF quoted', 'two\nlines', '"two\nlines"'],
    ['CR quoted', 'two\rlines', '"two\rlines"'],
    ['empty for null', null, ''],
    ['empty for undefined', undefined, ''],
    ['a boolean as JSON writes it', false, 'false'],
    ['= prefixed with a quote', '=1+2', "'=1+2"],
    ['+ prefixed', '+1', "'+1"],
    ['- prefixed', '-1', "'-1"],
    ['@ prefixed', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab prefixed', '\t=1', "'\t=1"],
    ['a leading CR prefixed, then quoted', '\r=1', `"'\r=1"`],
    [
      'a formula that needs quotes, prefixed inside them',
      '=HYPERLINK("x","y")',
      `"'=HYPERLINK(""x"",""y"")"`,
    ],
    ['= later in the text untouched', 'a=b', 'a=b'],
    ['an ISO time untouched', '2024-01-01T10:00:00.000Z', '2024-01-01T10:00:00.000Z'],
  ])('writes %s', (_what, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('ends lines with CRLF, as RFC 4180 does', () => {
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
    expect(AUDIT_CSV_HEADER.endsWith('\r\n')).toBe(true);
  });

  it('has a column for every field of both event types, empty where an event lacks it', () => {
    const [header, deleted, orphan] = parseCsvWithPython(
      AUDIT_CSV_HEADER +
        auditEventCsvLine(stored(aDeletedEvent({ id: 'd' }, { labTitle: 'BGP, "core"' }))) +
        auditEventCsvLine(stored(anOrphanRemovedEvent({ id: 'o' }))),
    );
    const row = (cells: string[]) => Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    expect(row(deleted)).toEqual({
      time: '2024-05-01T10:00:00.000Z',
      type: 'io.cml-labs.lab.deleted.v1',
      workerId: 'w-1',
      labId: 'l-1',
      labTitle: 'BGP, "core"',
      owner: 'alice',
      deletedBy: 'bob',
      alreadyAbsentInCml: 'false',
      trigger: '',
      reconciliationId: '',
      lastSeenAt: '',
      evidenceListedAt: '',
      evidenceConfirmedBy: '',
      occurredAt: '2024-05-01T10:00:00.000Z',
      subject: 'labs/l-1',
      source: '/cml-labs/workers/w-1',
      id: 'd',
      receivedAt: '2024-06-01T08:00:00.000Z',
    });
    expect(row(orphan)).toMatchObject({
      owner: 'carol',
      deletedBy: '',
      alreadyAbsentInCml: '',
      trigger: 'scheduled',
      reconciliationId: 'r-1',
      lastSeenAt: '2024-05-01T10:00:00.000Z',
      evidenceListedAt: '2024-05-01T10:00:00.000Z',
      evidenceConfirmedBy: 'lookup-404',
    });
  });

  it('any text reads back as written through an RFC 4180 reader (formula starts with their quote)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({
        unit: fc.constantFrom(',', '"', '\r', '\n', '=', '+', '-', '@', '\t', 'a', ' ', "'"),
        maxLength: 12,
      }),
    );
    const rows = fc.sample(fc.array(text, { minLength: 1, maxLength: 6 }), { numRuns: 400, seed: 15 });
    const parsed = parseCsvWithPython(rows.map((r) => csvLine(r)).join(''));
    const expected = rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)));
    // Python reads a line of one empty cell as [] (RFC 4180 is silent on it).
    expect(parsed).toEqual(expected.map((r) => (r.length === 1 && r[0] === '' ? [] : r)));
  });
});
