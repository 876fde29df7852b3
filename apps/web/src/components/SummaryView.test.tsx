import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReconcileSummary } from '../api/types';
import { CANDIDATES_SHOWN, SummaryView } from './SummaryView';

const base: ReconcileSummary = {
  reconciliationId: 'r1',
  workerId: 'w1',
  trigger: 'manual',
  status: 'succeeded',
  mode: 'enforce',
  created: 3,
  updated: 2,
  unchanged: 7,
  orphansRemoved: 1,
  orphansPending: 4,
  restored: 1,
  candidates: [],
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  durationMs: 1000,
};

function count(label: string): string | null {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling?.textContent ?? null;
}

describe('SummaryView', () => {
  it('shows every count of a ReconcileSummary', () => {
    render(<SummaryView summary={base} title="Refresh" />);
    const region = screen.getByRole('region', { name: 'Refresh' });
    expect(within(region).getByText('succeeded')).toBeInTheDocument();
    expect(count('Created')).toBe('3');
    expect(count('Updated')).toBe('2');
    expect(count('Unchanged')).toBe('7');
    expect(count('Removed')).toBe('1');
    expect(count('Pending approval')).toBe('4');
    expect(count('Restored')).toBe('1');
  });

  it('lists every removal candidate with its decision and why', () => {
    render(
      <SummaryView
        title="Preview"
        summary={{
          ...base,
          mode: 'dry-run',
          candidates: [
            {
              labId: 'l1',
              title: 'BGP',
              owner: 'alice',
              decision: 'remove',
              why: 'CML answered its own 404',
            },
            { labId: 'l2', title: 'OSPF', owner: 'bob', decision: 'keep', why: 'its details answered 200' },
          ],
        }}
      />,
    );
    const table = screen.getByRole('table', { name: /Removal candidates/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/BGP.*alice.*Remove.*CML answered its own 404/),
      expect.stringMatching(/OSPF.*bob.*Keep.*its details answered 200/),
    ]);
    expect(screen.getByText('(dry-run)')).toBeInTheDocument();
  });

  it('says why a run was skipped', () => {
    render(<SummaryView summary={{ ...base, status: 'skipped', reason: 'worker is paused' }} />);
    expect(screen.getByText('Skipped: worker is paused')).toBeInTheDocument();
  });

  it('shows the first candidates of a very large run and says how many more there are', () => {
    const candidates = Array.from({ length: CANDIDATES_SHOWN + 5 }, (_, i) => ({
      labId: `l${i}`,
      title: `Lab ${i}`,
      owner: 'alice',
      decision: 'hold' as const,
      why: 'ratio',
    }));
    render(<SummaryView summary={{ ...base, candidates }} />);
    const table = screen.getByRole('table', { name: /Removal candidates/ });
    expect(within(table).getAllByRole('row')).toHaveLength(CANDIDATES_SHOWN + 1);
    expect(
      screen.getByText(`5 more candidates not shown (${CANDIDATES_SHOWN + 5} in all).`),
    ).toBeInTheDocument();
  });
});
