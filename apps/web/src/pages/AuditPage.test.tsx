import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../api/types';
import { AUDIT_URL, type Call, fakeFetch, jwt, renderWithApi, type Reply } from '../test/fake-fetch';
import { AuditPage } from './AuditPage';

const event = (n: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  source: '/cml-labs',
  id: `ev-${n}`,
  type: 'io.cml-labs.lab.deleted.v1',
  subject: `lab-${n}`,
  time: '2026-01-01T10:00:00Z',
  workerId: 'w1',
  labId: `lab-${n}`,
  data: { labTitle: `Lab ${n}`, deletedBy: 'alice' },
  receivedAt: '2026-01-01T10:00:01Z',
  ...over,
});

const WORKERS = {
  items: [
    { id: 'w1', name: 'cml-1' },
    { id: 'w2', name: 'cml-2' },
  ],
  nextCursor: null,
};

function setup(
  audit: (c: Call) => Reply,
  props: { workerId?: string; labId?: string } = {},
  token?: string,
  exportReply: (c: Call) => Reply = () => undefined,
) {
  const fake = fakeFetch((c) => {
    if (c.url.pathname === '/api/workers') return { body: WORKERS };
    if (c.url.origin === AUDIT_URL && c.url.pathname === '/api/audit-events') return audit(c);
    if (c.url.origin === AUDIT_URL && c.url.pathname === '/api/audit-events/export') return exportReply(c);
    return undefined;
  });
  renderWithApi(<AuditPage {...props} />, fake.fetcher, { token });
  const auditCalls = () => fake.calls.filter((c) => c.url.origin === AUDIT_URL);
  return { ...fake, auditCalls };
}

describe('AuditPage', () => {
  it('lists the events from apps/audit with lab, worker name and who or what removed it', async () => {
    setup(() => ({
      body: {
        items: [
          event(1),
          event(2, {
            type: 'io.cml-labs.lab.orphan_removed.v1',
            workerId: 'w2',
            data: { labTitle: 'Lab 2', trigger: 'scheduled', alreadyAbsentInCml: true },
          }),
        ],
      },
    }));
    const first = (await screen.findByRole('rowheader', { name: /Lab 1/ })).closest('tr')!;
    expect(first).toHaveTextContent('Lab deleted');
    expect(first).toHaveTextContent('lab-1');
    expect(await within(first).findByText('cml-1')).toBeInTheDocument();
    expect(first).toHaveTextContent('alice');
    const second = screen.getByRole('rowheader', { name: /Lab 2/ }).closest('tr')!;
    expect(second).toHaveTextContent('Orphan removed');
    expect(second).toHaveTextContent('cml-2');
    expect(second).toHaveTextContent('reconciliation (scheduled)');
    expect(second).toHaveTextContent('already absent in CML');
  });

  it('shows a lab.restored event with who restored it', async () => {
    setup(() => ({
      body: {
        items: [
          event(3, {
            type: 'io.cml-labs.lab.restored.v1',
            data: { labTitle: 'Lab 3', restoredBy: 'reconciliation', removedAt: '2026-01-01T09:00:00Z' },
          }),
        ],
      },
    }));
    const row = (await screen.findByRole('rowheader', { name: /Lab 3/ })).closest('tr')!;
    expect(row).toHaveTextContent('Lab restored');
    expect(row).toHaveTextContent('restored by reconciliation');
    expect(screen.getByRole('option', { name: /restored/i })).toBeInTheDocument();
  });

  it("reads apps/audit at its own origin with the operator's bearer token, filtered by the route", async () => {
    const token = jwt({ roles: ['viewer'] });
    const { auditCalls, to } = setup(
      () => ({ body: { items: [] } }),
      { workerId: 'w1', labId: 'lab-7' },
      token,
    );
    expect(await screen.findByText('No events match.')).toBeInTheDocument();
    const [call] = auditCalls();
    expect(call.url.pathname).toBe('/api/audit-events');
    expect(Object.fromEntries(call.url.searchParams)).toEqual({
      workerId: 'w1',
      labId: 'lab-7',
      limit: '200',
    });
    // apps/audit verifies the same JWT as the API (viewer role): the same header goes to both.
    expect(call.headers.Authorization).toBe(`Bearer ${token}`);
    expect(to('/api/workers')[0].headers.Authorization).toBe(`Bearer ${token}`);
    expect(screen.getByLabelText('Lab id')).toHaveValue('lab-7');
  });

  it('sends worker, lab, type, owner, deletedBy, since and until as query parameters on Apply', async () => {
    const { auditCalls } = setup(() => ({ body: { items: [event(1)] } }));
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    expect(Object.fromEntries(auditCalls()[0].url.searchParams)).toEqual({ limit: '200' });
    await screen.findByRole('option', { name: 'cml-2' });
    await userEvent.selectOptions(screen.getByLabelText('Worker'), 'w2');
    await userEvent.type(screen.getByLabelText('Lab id'), '  lab-9 ');
    await userEvent.selectOptions(screen.getByLabelText('Type'), 'Orphan removed');
    // datetime-local: user-event cannot type into it in jsdom, so set it as the browser's picker would.
    const since = screen.getByLabelText('Since (local time)');
    await userEvent.click(since);
    since.focus();
    await userEvent.paste('2026-01-02T03:04');
    await userEvent.type(screen.getByLabelText('Owner'), ' carol ');
    await userEvent.type(screen.getByLabelText('Deleted by'), 'bob');
    const until = screen.getByLabelText('Until, exclusive (local time)');
    await userEvent.click(until);
    until.focus();
    await userEvent.paste('2026-01-03T00:00');
    expect(auditCalls()).toHaveLength(1); // nothing is sent before Apply
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByRole('rowheader', { name: /Lab 1/ });
    expect(auditCalls()).toHaveLength(2);
    expect(Object.fromEntries(auditCalls()[1].url.searchParams)).toEqual({
      workerId: 'w2',
      labId: 'lab-9',
      type: 'io.cml-labs.lab.orphan_removed.v1',
      owner: 'carol',
      deletedBy: 'bob',
      since: new Date('2026-01-02T03:04').toISOString(),
      until: new Date('2026-01-03T00:00').toISOString(),
      limit: '200',
    });
  });

  it('sends no Authorization header when there is no token (AUTH_DISABLED)', async () => {
    const { auditCalls } = setup(() => ({ body: { items: [] } }));
    expect(await screen.findByText('No events match.')).toBeInTheDocument();
    expect(auditCalls()[0].headers.Authorization).toBeUndefined();
  });

  it('says when no event matches', async () => {
    setup(() => ({ body: { items: [] } }));
    expect(await screen.findByText('No events match.')).toBeInTheDocument();
  });

  it('shows the problem+json of apps/audit', async () => {
    setup(() => ({
      status: 400,
      body: {
        title: 'Bad Request',
        status: 400,
        detail: 'Invalid query',
        errors: [{ field: 'since', message: 'must be an ISO 8601 date-time' }],
      },
    }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Bad Request (HTTP 400)');
    expect(alert).toHaveTextContent('Invalid query');
    expect(alert).toHaveTextContent('since: must be an ISO 8601 date-time');
    expect(screen.queryByText('No events match.')).not.toBeInTheDocument();
  });

  describe('paging', () => {
    const pages: Record<string, Reply> = {
      first: { body: { items: [event(1), event(2)], nextCursor: 'c-2' } },
      'c-2': { body: { items: [event(3)], nextCursor: null } },
    };
    const byCursor = (c: Call) => pages[c.url.searchParams.get('cursor') ?? 'first'];

    it('follows nextCursor to the next page and back, and knows the last page', async () => {
      const { auditCalls } = setup(byCursor);
      await screen.findByRole('rowheader', { name: /Lab 1/ });
      expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
      await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
      await screen.findByRole('rowheader', { name: /Lab 3/ });
      expect(screen.queryByRole('rowheader', { name: /Lab 1/ })).not.toBeInTheDocument();
      expect(auditCalls().at(-1)!.url.searchParams.get('cursor')).toBe('c-2');
      expect(screen.getByText('Page 2')).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
      await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
      await screen.findByRole('rowheader', { name: /Lab 1/ });
      expect(screen.getByText('Page 1')).toBeInTheDocument();
    });

    it('starts again at the first page when other filters are applied', async () => {
      const { auditCalls } = setup(byCursor);
      await screen.findByRole('rowheader', { name: /Lab 1/ });
      await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
      await screen.findByRole('rowheader', { name: /Lab 3/ });
      await userEvent.type(screen.getByLabelText('Owner'), 'alice');
      await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
      await screen.findByRole('rowheader', { name: /Lab 1/ });
      expect(Object.fromEntries(auditCalls().at(-1)!.url.searchParams)).toEqual({
        owner: 'alice',
        limit: '200',
      });
      expect(screen.getByText('Page 1')).toBeInTheDocument();
    });
  });

  describe('download', () => {
    afterEach(() => vi.restoreAllMocks());

    /** What the page handed to the browser's download: the blob's text and the file name. */
    function watchSaves() {
      const saved: { blob: Blob; name: string }[] = [];
      const blobs = new Map<string, Blob>();
      vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
        const url = `blob:${blobs.size}`;
        blobs.set(url, b as Blob);
        return url;
      });
      vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push({ blob: blobs.get(this.href)!, name: this.download });
      });
      return saved;
    }

    it("downloads the applied filters' whole trail as CSV with the token, under the server's file name", async () => {
      const saved = watchSaves();
      const token = jwt({ roles: ['viewer'] });
      const csv = 'time,type\r\n2026-01-01T10:00:00.000Z,io.cml-labs.lab.deleted.v1\r\n';
      const { calls } = setup(
        () => ({ body: { items: [event(1)], nextCursor: 'c-2' } }),
        { workerId: 'w1' },
        token,
        () => ({
          text: csv,
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': 'attachment; filename="audit-events-20260101T100000Z.csv"',
          },
        }),
      );
      await screen.findByRole('rowheader', { name: /Lab 1/ });
      await userEvent.type(screen.getByLabelText('Deleted by'), 'bob');
      await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
      await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
      await vi.waitFor(() => expect(saved).toHaveLength(1));
      const call = calls.find((c) => c.url.pathname === '/api/audit-events/export')!;
      expect(Object.fromEntries(call.url.searchParams)).toEqual({
        workerId: 'w1',
        deletedBy: 'bob',
        format: 'csv',
      });
      expect(call.headers.Authorization).toBe(`Bearer ${token}`);
      expect(saved[0].name).toBe('audit-events-20260101T100000Z.csv');
      expect(await saved[0].blob.text()).toBe(csv);
    });

    it('names an NDJSON file itself when the server gives no name', async () => {
      const saved = watchSaves();
      const { calls } = setup(
        () => ({ body: { items: [], nextCursor: null } }),
        {},
        undefined,
        () => ({ text: '{"id":"a"}\n', headers: { 'Content-Type': 'application/x-ndjson' } }),
      );
      await screen.findByText('No events match.');
      await userEvent.click(screen.getByRole('button', { name: 'Download NDJSON' }));
      await vi.waitFor(() => expect(saved).toHaveLength(1));
      expect(
        calls.find((c) => c.url.pathname === '/api/audit-events/export')!.url.searchParams.get('format'),
      ).toBe('ndjson');
      expect(saved[0].name).toBe('audit-events.ndjson');
    });

    it('shows the problem when the export is refused, and saves nothing', async () => {
      const saved = watchSaves();
      setup(
        () => ({ body: { items: [], nextCursor: null } }),
        {},
        undefined,
        () => ({
          status: 403,
          body: { title: 'Forbidden', status: 403, detail: 'Reading the audit trail needs the viewer role' },
        }),
      );
      await screen.findByText('No events match.');
      await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('Forbidden (HTTP 403)');
      expect(alert).toHaveTextContent('needs the viewer role');
      expect(saved).toHaveLength(0);
    });
  });
});
