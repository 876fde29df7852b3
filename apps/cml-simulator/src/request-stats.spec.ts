import { RequestStats } from './request-stats';

describe('RequestStats.peakInFlight', () => {
  it('keeps the most requests of a route answered at once; leaving twice counts once', () => {
    const stats = new RequestStats();
    const a = stats.enter('labs.delete');
    const b = stats.enter('labs.delete');
    a();
    a();
    const c = stats.enter('labs.delete');
    expect(stats.peakInFlight()).toEqual({ 'labs.delete': 2 });
    b();
    c();
    stats.enter('labs.get');
    expect(stats.peakInFlight()).toEqual({ 'labs.delete': 2, 'labs.get': 1 });
  });

  it('starts the peaks over on reset, from the requests still in flight', () => {
    const stats = new RequestStats();
    stats.enter('labs.delete');
    const done = stats.enter('labs.delete');
    done();
    stats.reset();
    expect(stats.peakInFlight()).toEqual({ 'labs.delete': 1 });
  });
});
