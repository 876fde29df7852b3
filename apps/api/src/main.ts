import { loadAppConfig, loadConfigOrExit } from '@app/common';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit(() => loadAppConfig());
  if (config.auth.disabled) {
    console.warn('WARNING: AUTH_DISABLED=true: every /api route is open to anyone who can reach this port.');
  }
  const app = await createApiApp(config);
  await app.listen(config.port);
}

void main();
