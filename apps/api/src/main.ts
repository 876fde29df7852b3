import { ConfigValidationError, loadAppConfig } from '@app/common';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (config.auth.disabled) {
    console.warn('WARNING: AUTH_DISABLED=true: every /api route is open to anyone who can reach this port.');
  }
  const app = await createApiApp(config);
  await app.listen(config.port);
}

void main();
