import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ReconcileSummary } from '../api/types';
import { SummaryView } from './SummaryView';

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
  });

  it('says why a run was skipped', () => {
    render(<SummaryView summary={{ ...base, status: 'skipped', reason: 'worker is paused' }} />);
    expect(screen.getByText('Skipped: worker is paused')).toBeInTheDocument();
  });
});
