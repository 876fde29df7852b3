import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import type { DeleteResult, Lab, LabState } from '../api/types';
import { canConfirmDelete, DeleteLabDialog, deleteSteps } from './DeleteLabDialog';

function lab(state: LabState, title = 'Core lab'): Lab {
  return {
    workerId: 'w1',
    labId: 'l1',
    title,
    description: '',
    notes: '',
    state,
    owner: 'u1',
    ownerUsername: 'alice',
    ownerFullname: 'Alice',
    nodeCount: 3,
    linkCount: 2,
    groups: [],
    cmlCreatedAt: '2026-01-01T00:00:00Z',
    cmlModifiedAt: '2026-01-01T00:00:00Z',
    firstSeenAt: '2026-01-01T00:00:00Z',
    lastSyncedAt: '2026-01-01T00:00:00Z',
  };
}

const ok: DeleteResult = {
  workerId: 'w1',
  labId: 'l1',
  message: 'Lab deleted successfully',
  alreadyAbsentInCml: false,
  localRecordRemoved: true,
};

describe('delete rules', () => {
  it('a wiped lab needs nothing, a stopped one force, a started one force and its exact title', () => {
    expect(canConfirmDelete(lab('DEFINED_ON_CORE'), false, '')).toBe(true);
    expect(canConfirmDelete(lab('STOPPED'), false, '')).toBe(false);
    expect(canConfirmDelete(lab('STOPPED'), true, '')).toBe(true);
    expect(canConfirmDelete(lab('STARTED'), true, 'core lab')).toBe(false);
    expect(canConfirmDelete(lab('STARTED'), false, 'Core lab')).toBe(false);
    expect(canConfirmDelete(lab('STARTED'), true, 'Core lab')).toBe(true);
  });

  it('lists stop, wipe and delete for a forced delete of a started lab', () => {
    expect(deleteSteps(lab('STARTED'), true)).toEqual([
      'Stop the lab in CML',
      'Wipe the lab in CML',
      'Delete the lab in CML',
      'Remove the local record and record the audit event',
    ]);
    expect(deleteSteps(lab('DEFINED_ON_CORE'), false)).toHaveLength(2);
  });
});

describe('DeleteLabDialog', () => {
  it('is a labelled modal dialog that takes focus and closes on Escape', async () => {
    const onClose = vi.fn();
    render(
      <DeleteLabDialog
        lab={lab('DEFINED_ON_CORE')}
        deleteLab={vi.fn()}
        onDeleted={vi.fn()}
        onClose={onClose}
      />,
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete lab “Core lab”' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('keeps a started lab undeletable until force is checked and the title typed exactly', async () => {
    const deleteLab = vi.fn().mockResolvedValue(ok);
    const onDeleted = vi.fn();
    render(
      <DeleteLabDialog lab={lab('STARTED')} deleteLab={deleteLab} onDeleted={onDeleted} onClose={vi.fn()} />,
    );
    const confirm = screen.getByRole('button', { name: 'Stop, wipe and delete' });
    expect(confirm).toBeDisabled();
    await userEvent.click(screen.getByLabelText('Force: stop and wipe the running lab first'));
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByLabelText(/Type the lab title/), 'Core la');
    expect(confirm).toBeDisabled();
    expect(screen.getByText('The title does not match yet.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Type the lab title/), 'b');
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(deleteLab).toHaveBeenCalledWith(true);
    expect(await screen.findByText('Lab deleted successfully')).toBeInTheDocument();
    expect(onDeleted).toHaveBeenCalledWith(ok);
    const steps = within(screen.getByRole('list', { name: 'Steps' })).getAllByRole('listitem');
    expect(steps).toHaveLength(4);
    for (const s of steps) expect(s).toHaveTextContent('(done)');
  });

  it('deletes a wiped lab without force', async () => {
    const deleteLab = vi.fn().mockResolvedValue({ ...ok, alreadyAbsentInCml: true });
    render(
      <DeleteLabDialog
        lab={lab('DEFINED_ON_CORE')}
        deleteLab={deleteLab}
        onDeleted={vi.fn()}
        onClose={vi.fn()}
      />,
    );
    expect(screen.queryByLabelText(/Force/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete lab' }));
    expect(deleteLab).toHaveBeenCalledWith(false);
    expect(await screen.findByText('The lab was already absent in CML.')).toBeInTheDocument();
  });

  it.each([502, 504])('says nothing changed on %i and shows the problem title and detail', async (status) => {
    const deleteLab = vi.fn().mockRejectedValue(
      new ApiError({
        title: status === 502 ? 'Bad Gateway' : 'Gateway Timeout',
        status,
        detail: 'CML timed out',
      }),
    );
    const onDeleted = vi.fn();
    render(
      <DeleteLabDialog lab={lab('STOPPED')} deleteLab={deleteLab} onDeleted={onDeleted} onClose={vi.fn()} />,
    );
    await userEvent.click(screen.getByLabelText('Force: wipe the stopped lab first'));
    await userEvent.click(screen.getByRole('button', { name: 'Wipe and delete' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(status === 502 ? 'Bad Gateway' : 'Gateway Timeout');
    expect(alert).toHaveTextContent('CML timed out');
    expect(alert).toHaveTextContent('Nothing changed.');
    expect(onDeleted).not.toHaveBeenCalled();
    // The user may try again.
    expect(screen.getByRole('button', { name: 'Wipe and delete' })).toBeEnabled();
  });
});
