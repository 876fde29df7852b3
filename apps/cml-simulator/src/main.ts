import { writeFileSync } from 'node:fs';
import { readSimulatorEnvConfig } from './simulator-env-config';
import { startCmlSimulator } from './start-cml-simulator';

/**
 * Standalone simulator for the demo and benchmarks. Prints one JSON line once listening so scripts can wait for
 * it and read the URL; SIGINT and SIGTERM shut it down cleanly.
 */
async function main(): Promise<void> {
  const { options, caOutFile } = readSimulatorEnvConfig(process.env);
  const simulator = await startCmlSimulator(options);
  if (caOutFile) {
    writeFileSync(caOutFile, simulator.caCertPem);
  }
  // stdout on purpose (not console.log): the single line is machine-readable output, not a log message.
  process.stdout.write(
    JSON.stringify({
      event: 'cml-simulator.listening',
      url: simulator.url,
      port: simulator.port,
      caFile: caOutFile,
    }) + '\n',
  );
  const shutdown = (): void => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error('cml-simulator failed to start:', err);
  process.exit(1);
});
