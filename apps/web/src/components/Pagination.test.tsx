import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { nextCursors, Pagination } from './Pagination';

describe('Pagination', () => {
  it('disables Previous on the first page and Next without a next cursor', () => {
    render(<Pagination page={1} hasNext={false} onNext={vi.fn()} onPrevious={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    expect(screen.getByText('Page 1')).toBeInTheDocument();
  });

  it('moves both ways', async () => {
    const onNext = vi.fn();
    const onPrevious = vi.fn();
    render(<Pagination page={2} hasNext onNext={onNext} onPrevious={onPrevious} />);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(onNext).toHaveBeenCalledTimes(1);
    expect(onPrevious).toHaveBeenCalledTimes(1);
  });

  it('keeps the cursors it came through', () => {
    expect(nextCursors([null], 'c1')).toEqual([null, 'c1']);
    expect(nextCursors([null, 'c1'], null)).toEqual([null, 'c1']);
  });
});
