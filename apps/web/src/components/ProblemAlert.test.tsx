import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, requestJson, toProblem } from '../api/client';
import { ProblemAlert } from './ProblemAlert';

function response(status: number, body: unknown, type = 'application/problem+json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

describe('problem+json errors', () => {
  it('shows title, status, detail and field errors', () => {
    render(
      <ProblemAlert
        problem={{
          title: 'Bad Request',
          status: 400,
          detail: 'The body is invalid',
          errors: [{ field: 'endpoint', message: 'must be https://host[:port]' }],
        }}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Bad Request (HTTP 400)');
    expect(alert).toHaveTextContent('The body is invalid');
    expect(alert).toHaveTextContent('endpoint: must be https://host[:port]');
  });

  it('says at which CML step a delete failed and what it had changed in CML already', async () => {
    const fetcher = vi.fn().mockResolvedValue(
      response(409, {
        title: 'Conflict',
        status: 409,
        detail: 'CML refused to wipe the lab',
        step: 'wipe',
        cmlChanges: ['stopped'],
      }),
    );
    const error = await requestJson('/api/x', { fetcher }).catch((e: unknown) => e);
    render(<ProblemAlert problem={toProblem(error)} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Failed at CML step wipe.');
    expect(alert).toHaveTextContent('Already done in CML: stopped.');
  });

  it('says nothing was changed in CML when a delete failed before any change', () => {
    render(<ProblemAlert problem={{ title: 'Bad Gateway', status: 502, step: 'read', cmlChanges: [] }} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Nothing was changed in CML.');
  });

  it('renders nothing without a problem', () => {
    const { container } = render(<ProblemAlert problem={null} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('turns an error response into an ApiError carrying the problem', async () => {
    const fetcher = vi
      .fn()
      .mockResolvedValue(
        response(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'Worker is disabled' }),
      );
    const error = await requestJson('/api/x', { fetcher }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(toProblem(error)).toMatchObject({ title: 'Conflict', status: 409, detail: 'Worker is disabled' });
  });

  it('falls back to the status text when the body is not JSON, and reports network errors', async () => {
    const html = new Response('<html>oops</html>', { status: 503, statusText: 'Service Unavailable' });
    const e1 = await requestJson('/x', { fetcher: vi.fn().mockResolvedValue(html) }).catch((e: unknown) => e);
    expect(toProblem(e1)).toMatchObject({ title: 'Service Unavailable', status: 503 });
    const e2 = await requestJson('/x', {
      fetcher: vi.fn().mockRejectedValue(new TypeError('Failed to fetch')),
    }).catch((e: unknown) => e);
    expect(toProblem(e2)).toMatchObject({ title: 'Network error', status: 0 });
  });

  it('sends the bearer token and the query, skipping empty values', async () => {
    const fetcher = vi.fn().mockResolvedValue(response(200, { items: [] }, 'application/json'));
    await requestJson('/api/workers/w/labs', {
      fetcher,
      token: 'abc',
      query: { state: '', owner: 'bob', limit: 25 },
    });
    const [url, init] = fetcher.mock.calls[0];
    expect(url).toBe('/api/workers/w/labs?owner=bob&limit=25');
    expect(init.headers.Authorization).toBe('Bearer abc');
  });
});
