import { DELETE_INTENT_TTL_MS, DeleteIntent, isLiveDeleteIntent } from './delete-intent';

describe('isLiveDeleteIntent', () => {
  const at = new Date('2026-03-01T00:00:00Z');
  const intent: DeleteIntent = { workerId: 'w', labId: 'l', by: 'carol', at, force: true };
  const after = (ms: number) => new Date(at.getTime() + ms);

  it('explains an absence for as long as a delete can run', () => {
    expect(isLiveDeleteIntent(intent, at)).toBe(true);
    expect(isLiveDeleteIntent(intent, after(DELETE_INTENT_TTL_MS))).toBe(true);
  });

  it('explains nothing once older than DELETE_INTENT_TTL_MS (left over from a crash before CML was touched)', () => {
    expect(isLiveDeleteIntent(intent, after(DELETE_INTENT_TTL_MS + 1))).toBe(false);
  });

  it('outlasts two waits of the largest CML_CONVERGE_TIMEOUT_MS (one hour)', () => {
    expect(DELETE_INTENT_TTL_MS).toBeGreaterThan(2 * 60 * 60 * 1000);
  });
});
