import { ConfigValidationError } from '@app/common';
import { AuditConfig, loadAuditConfig } from './audit-config';
import { createAuditApp } from './create-audit-app';

async function main(): Promise<void> {
  let config: AuditConfig;
  try {
    config = loadAuditConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await createAuditApp(config);
  await app.listen(config.port);
}

void main();
