import { Clock } from '@app/common';

/** A Clock that stands still until a spec moves it. */
export class ManualClock extends Clock {
  private current: Date;

  constructor(start: Date | string = '2026-03-01T00:00:00Z') {
    super();
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }

  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}
