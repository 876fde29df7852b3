import { Injectable } from '@nestjs/common';
import type { CmlRequestEvent } from './cml-request-event.interface';
import { CmlRequestObserver } from './cml-request-observer';

/** Default observer bound by `CmlClientModule` when the application does not provide one. */
@Injectable()
export class NoopCmlRequestObserver extends CmlRequestObserver {
  observe(_event: CmlRequestEvent): void {
    // Intentionally empty: metrics are opt-in.
  }
}
