import { describe, expect, it } from 'vitest';
import { ApiError, fileNameOf, requestFile } from './client';

describe('fileNameOf', () => {
  it.each<[string | null, string | null]>([
    ['attachment; filename="audit-events-20260101T100000Z.csv"', 'audit-events-20260101T100000Z.csv'],
    ['attachment; filename=audit.ndjson', 'audit.ndjson'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="C:\\\\x\\\\evil.csv"', 'evil.csv'],
    ['attachment', null],
    ['attachment; filename=""', null],
    [null, null],
  ])('reads %j as %j', (header, name) => {
    expect(fileNameOf(header)).toBe(name);
  });
});

describe('requestFile', () => {
  const options = { accept: 'text/csv', fallbackName: 'audit-events.csv' };

  it('refuses a file whose stream broke off midway: no half file', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('time,type\r\n'));
        controller.error(new Error('connection reset'));
      },
    });
    const fetcher = async () => new Response(body, { status: 200 });
    const refused = requestFile('http://audit.test/x', { ...options, fetcher });
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ problem: { title: 'Download failed' } });
  });

  it('says the server could not be reached when fetch fails', async () => {
    const fetcher = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(requestFile('http://audit.test/x', { ...options, fetcher })).rejects.toMatchObject({
      problem: { title: 'Network error', status: 0 },
    });
  });
});
