import { loadConfigOrExit } from '@app/common';
import { loadTelemetryConfig } from '@app/telemetry';
import { exitIfPortsInUse, listenOrExit, PortSetting } from '@app/common/config/listen-or-exit';
import { loadAuditConfig } from './audit-config';
import { createAuditApp } from './create-audit-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadAuditConfig());
  const telemetry = loadConfigOrExit(() => loadTelemetryConfig('cml-labs-audit'));
  // A port in use is one line naming AUDIT_PORT and exit code 2, not a stack trace.
  const port: PortSetting = { port: config.port, variable: 'AUDIT_PORT' };
  await exitIfPortsInUse([port]);
  const app = await createAuditApp(config, undefined, { tracing: { config: telemetry } });
  await listenOrExit(
    port,
    () => app.listen(config.port),
    () => app.close(),
  );
}

void main();
