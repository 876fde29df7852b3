import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CML_CLIENT_OPTIONS } from './cml-client.constants';
import { CmlClientFactory } from './cml-client.factory';
import { CmlClientModule } from './cml-client.module';
import type { CmlClientModuleAsyncOptions } from './cml-client-module-async-options.interface';
import type { CmlClientOptions } from './cml-client-options.interface';
import type { CmlRequestEvent } from './cml-request-event.interface';
import { CmlRequestObserver } from './cml-request-observer';
import { NoopCmlRequestObserver } from './noop-cml-request-observer';

@Injectable()
class CustomObserver extends CmlRequestObserver {
  observe(_event: CmlRequestEvent): void {}
}

/** Stands in for the application's validated configuration. */
class FakeConfig {
  readonly cmlTimeoutMs = 4321;
  readonly cmlAllowPrivateEndpoints = ['127.0.0.0/8'];
}

@Module({ providers: [FakeConfig], exports: [FakeConfig] })
class FakeConfigModule {}

describe('CmlClientModule', () => {
  async function compile(options: Partial<CmlClientModuleAsyncOptions> = {}) {
    return Test.createTestingModule({
      imports: [CmlClientModule.forRootAsync({ useFactory: () => ({ timeoutMs: 500 }), ...options })],
    }).compile();
  }

  it('provides the factory and a no-op observer by default', async () => {
    const ref = await compile();

    expect(ref.get(CmlClientFactory)).toBeInstanceOf(CmlClientFactory);
    expect(ref.get(CmlRequestObserver)).toBeInstanceOf(NoopCmlRequestObserver);
    expect(ref.get<CmlClientOptions>(CML_CLIENT_OPTIONS)).toEqual({ timeoutMs: 500 });
    await ref.close();
  });

  it('takes timeout and allow-list from an injected configuration', async () => {
    const ref = await compile({
      imports: [FakeConfigModule],
      inject: [FakeConfig],
      useFactory: (c: FakeConfig) => ({
        timeoutMs: c.cmlTimeoutMs,
        allowedPrivateCidrs: c.cmlAllowPrivateEndpoints,
      }),
    });

    expect(ref.get<CmlClientOptions>(CML_CLIENT_OPTIONS)).toEqual({
      timeoutMs: 4321,
      allowedPrivateCidrs: ['127.0.0.0/8'],
    });
    await ref.close();
  });

  // The application validates CML_TIMEOUT_MS (range 100 to 600000, `1e4` is 10000); a second reader here once
  // refused values the configuration accepted, and ended the start-up with another message.
  it('does not read CML_TIMEOUT_MS itself', async () => {
    const previous = process.env.CML_TIMEOUT_MS;
    process.env.CML_TIMEOUT_MS = '1e4';
    try {
      const ref = await compile();
      expect(ref.get<CmlClientOptions>(CML_CLIENT_OPTIONS).timeoutMs).toBe(500);
      await ref.close();
    } finally {
      if (previous === undefined) delete process.env.CML_TIMEOUT_MS;
      else process.env.CML_TIMEOUT_MS = previous;
    }
  });

  it('binds a custom observer', async () => {
    const ref = await compile({ observer: CustomObserver });

    expect(ref.get(CmlRequestObserver)).toBeInstanceOf(CustomObserver);
    await ref.close();
  });

  it.each([0, -5, 1.5, Number.NaN])('fails fast on a timeoutMs option of %s', async (timeoutMs) => {
    await expect(compile({ useFactory: () => ({ timeoutMs }) })).rejects.toThrow('timeoutMs option');
  });
});
