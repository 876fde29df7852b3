import { loadAppConfig, loadConfigOrExit } from '@app/common';
import { loadTelemetryConfig } from '@app/telemetry';
import { exitIfPortsInUse, listenOrExit, PortSetting } from '@app/common/config/listen-or-exit';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadAppConfig());
  const telemetry = loadConfigOrExit(() => loadTelemetryConfig('cml-labs-api'));
  if (config.auth.disabled) {
    console.warn('WARNING: AUTH_DISABLED=true: every /api route is open to anyone who can reach this port.');
  }
  // A port in use is one line naming PORT and exit code 2, before the app connects to anything.
  const port: PortSetting = { port: config.port, variable: 'PORT' };
  await exitIfPortsInUse([port]);
  const app = await createApiApp(config, undefined, undefined, { tracing: { config: telemetry } });
  await listenOrExit(
    port,
    () => app.listen(config.port),
    () => app.close(),
  );
}

void main();
