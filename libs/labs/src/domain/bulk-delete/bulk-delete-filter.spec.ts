import fc from 'fast-check';
import { LAB_STATES } from '../lab-state';
import { BulkDeleteCandidate, BulkDeleteFilter } from './bulk-delete-filter';

const W1 = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const W2 = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';

const lab = (over: Partial<BulkDeleteCandidate> = {}): BulkDeleteCandidate => ({
  workerId: W1,
  title: 'CCNA class 3 - pod 1',
  owner: '00000000-0000-4000-a000-00000000000a',
  ownerUsername: 'alice',
  state: 'DEFINED_ON_CORE',
  cmlCreatedAt: '2026-11-01T10:00:00+00:00',
  firstSeenAt: new Date('2026-11-02T00:00:00Z'),
  ...over,
});

describe('BulkDeleteFilter', () => {
  it('refuses a filter without any field (it would select every lab)', () => {
    expect(() => BulkDeleteFilter.of({})).toThrow(/at least one field/);
  });

  it('refuses an invalid date', () => {
    expect(() => BulkDeleteFilter.of({ createdBefore: new Date('nope') })).toThrow(/not a date/);
  });

  it('matches on the workers given', () => {
    const f = BulkDeleteFilter.of({ workerIds: [W2] });
    expect(f.matches(lab({ workerId: W2 }))).toBe(true);
    expect(f.matches(lab())).toBe(false);
  });

  it("matches the owner's user id or username, exactly", () => {
    expect(BulkDeleteFilter.of({ owner: 'alice' }).matches(lab())).toBe(true);
    expect(BulkDeleteFilter.of({ owner: lab().owner }).matches(lab())).toBe(true);
    expect(BulkDeleteFilter.of({ owner: 'ali' }).matches(lab())).toBe(false);
    expect(BulkDeleteFilter.of({ owner: 'Alice' }).matches(lab())).toBe(false);
  });

  it('matches a title prefix case-sensitively, not a substring', () => {
    expect(BulkDeleteFilter.of({ titlePrefix: 'CCNA class 3' }).matches(lab())).toBe(true);
    expect(BulkDeleteFilter.of({ titlePrefix: 'ccna' }).matches(lab())).toBe(false);
    expect(BulkDeleteFilter.of({ titlePrefix: 'class 3' }).matches(lab())).toBe(false);
    // Not a pattern: characters that mean something to a regular expression are literal.
    expect(BulkDeleteFilter.of({ titlePrefix: 'CCNA.*' }).matches(lab())).toBe(false);
    expect(BulkDeleteFilter.of({ titlePrefix: 'a(b' }).matches(lab({ title: 'a(b) x' }))).toBe(true);
  });

  it('matches the state', () => {
    expect(BulkDeleteFilter.of({ state: 'STARTED' }).matches(lab({ state: 'STARTED' }))).toBe(true);
    expect(BulkDeleteFilter.of({ state: 'STARTED' }).matches(lab())).toBe(false);
  });

  it("matches createdBefore on CML's creation time, strictly before", () => {
    const created = '2026-11-01T10:00:00+00:00';
    expect(BulkDeleteFilter.of({ createdBefore: new Date('2026-11-01T10:00:01Z') }).matches(lab())).toBe(
      true,
    );
    expect(BulkDeleteFilter.of({ createdBefore: new Date(created) }).matches(lab())).toBe(false);
  });

  it('without a CML creation time, selects only labs first seen before the instant', () => {
    const noCreated = lab({ cmlCreatedAt: null, firstSeenAt: new Date('2026-11-02T00:00:00Z') });
    expect(BulkDeleteFilter.of({ createdBefore: new Date('2026-11-03T00:00:00Z') }).matches(noCreated)).toBe(
      true,
    );
    expect(BulkDeleteFilter.of({ createdBefore: new Date('2026-11-01T00:00:00Z') }).matches(noCreated)).toBe(
      false,
    );
    const unparseable = lab({ cmlCreatedAt: 'yesterday', firstSeenAt: new Date('2026-11-02T00:00:00Z') });
    expect(
      BulkDeleteFilter.of({ createdBefore: new Date('2026-11-01T00:00:00Z') }).matches(unparseable),
    ).toBe(false);
  });

  it('keeps its fields as JSON, dates as ISO strings, worker ids once each', () => {
    const f = BulkDeleteFilter.of({
      workerIds: [W1, W1, W2],
      createdBefore: new Date('2026-11-01T00:00:00Z'),
      state: 'STOPPED',
    });
    expect(f.toJSON()).toEqual({
      workerIds: [W1, W2],
      state: 'STOPPED',
      createdBefore: '2026-11-01T00:00:00.000Z',
    });
  });

  it('selects a lab exactly when every given field matches it on its own (AND)', () => {
    const candidate = fc.record({
      workerId: fc.constantFrom(W1, W2),
      title: fc.constantFrom('CCNA 1', 'CCNA 2', 'CCNP 1', ''),
      owner: fc.constantFrom('u1', 'u2'),
      ownerUsername: fc.constantFrom('alice', 'bob'),
      state: fc.constantFrom(...LAB_STATES),
      cmlCreatedAt: fc.option(fc.constantFrom('2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z'), { nil: null }),
      firstSeenAt: fc.constantFrom(new Date('2026-02-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')),
    });
    const criteria = fc
      .record(
        {
          workerIds: fc.subarray([W1, W2]),
          owner: fc.constantFrom('u1', 'alice', 'bob'),
          titlePrefix: fc.constantFrom('CCNA', 'CCNP 1', 'X'),
          state: fc.constantFrom(...LAB_STATES),
          createdBefore: fc.constantFrom(new Date('2026-03-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')),
        },
        { requiredKeys: [] },
      )
      .filter((c) => Object.keys(c).length > 0);
    fc.assert(
      fc.property(criteria, candidate, (c, l) => {
        const each = Object.entries(c).map(([key, value]) =>
          BulkDeleteFilter.of({ [key]: value }).matches(l),
        );
        expect(BulkDeleteFilter.of(c).matches(l)).toBe(each.every(Boolean));
      }),
    );
  });
});
