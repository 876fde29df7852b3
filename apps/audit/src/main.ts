import { loadConfigOrExit } from '@app/common';
import { loadAuditConfig } from './audit-config';
import { createAuditApp } from './create-audit-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadAuditConfig());
  const app = await createAuditApp(config);
  await app.listen(config.port);
}

void main();
