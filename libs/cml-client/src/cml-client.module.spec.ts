import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CML_CLIENT_OPTIONS, CML_TIMEOUT_ENV, DEFAULT_CML_TIMEOUT_MS } from './cml-client.constants';
import { CmlClientFactory } from './cml-client.factory';
import { CmlClientModule } from './cml-client.module';
import type { CmlClientOptions } from './cml-client-options.interface';
import type { CmlRequestEvent } from './cml-request-event.interface';
import { CmlRequestObserver } from './cml-request-observer';
import { resolveCmlTimeoutMs } from './cml-timeout.config';
import { NoopCmlRequestObserver } from './noop-cml-request-observer';

@Injectable()
class CustomObserver extends CmlRequestObserver {
  observe(_event: CmlRequestEvent): void {}
}

describe('CmlClientModule', () => {
  const previous = process.env[CML_TIMEOUT_ENV];
  afterEach(() => {
    if (previous === undefined) {
      delete process.env[CML_TIMEOUT_ENV];
    } else {
      process.env[CML_TIMEOUT_ENV] = previous;
    }
  });

  async function compile(module: ReturnType<typeof CmlClientModule.forRoot>) {
    const ref = await Test.createTestingModule({ imports: [module] }).compile();
    return ref;
  }

  it('provides the factory and a no-op observer by default', async () => {
    delete process.env[CML_TIMEOUT_ENV];
    const ref = await compile(CmlClientModule.forRoot());

    expect(ref.get(CmlClientFactory)).toBeInstanceOf(CmlClientFactory);
    expect(ref.get(CmlRequestObserver)).toBeInstanceOf(NoopCmlRequestObserver);
    expect(ref.get<CmlClientOptions>(CML_CLIENT_OPTIONS)).toEqual({ timeoutMs: DEFAULT_CML_TIMEOUT_MS });
    await ref.close();
  });

  it('reads CML_TIMEOUT_MS, and an explicit option wins over it', async () => {
    process.env[CML_TIMEOUT_ENV] = '7000';
    const fromEnv = await compile(CmlClientModule.forRoot());
    const explicit = await compile(CmlClientModule.forRoot({ timeoutMs: 500 }));

    expect(fromEnv.get<CmlClientOptions>(CML_CLIENT_OPTIONS).timeoutMs).toBe(7000);
    expect(explicit.get<CmlClientOptions>(CML_CLIENT_OPTIONS).timeoutMs).toBe(500);
    await fromEnv.close();
    await explicit.close();
  });

  it('binds a custom observer', async () => {
    const ref = await compile(CmlClientModule.forRoot({ observer: CustomObserver }));

    expect(ref.get(CmlRequestObserver)).toBeInstanceOf(CustomObserver);
    await ref.close();
  });

  it.each(['abc', '-5', '0', '1.5'])('fails fast on CML_TIMEOUT_MS=%s', (value) => {
    expect(() => resolveCmlTimeoutMs(undefined, { [CML_TIMEOUT_ENV]: value })).toThrow(CML_TIMEOUT_ENV);
  });
});
