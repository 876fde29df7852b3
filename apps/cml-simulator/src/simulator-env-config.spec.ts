import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSimulatorEnvConfig, STANDALONE_TRANSITION_TIMING } from './simulator-env-config';

describe('readSimulatorEnvConfig', () => {
  it('defaults to 127.0.0.1:9443 with the default users and a generated certificate', () => {
    expect(readSimulatorEnvConfig({})).toEqual({
      options: {
        port: 9443,
        host: '127.0.0.1',
        seedLabs: undefined,
        latencyMs: undefined,
        tokenTtlSeconds: undefined,
        version: undefined,
        authExtended: undefined,
        foreignLabStatus: undefined,
        // Longer than in-process tests: a human watching the demo sees labs move through their states.
        startMs: 3000,
        stopMs: 2000,
        wipeMs: 1000,
        tlsHostnames: [],
      },
      caOutFile: undefined,
    });
  });

  it('adds SIM_TLS_HOSTNAMES to the names the generated certificate covers', async () => {
    const { options } = readSimulatorEnvConfig({ SIM_TLS_HOSTNAMES: ' simulator, cml.lab.example ,' });
    expect(options.tlsHostnames).toEqual(['simulator', 'cml.lab.example']);
    const { startCmlSimulator } = await import('./start-cml-simulator');
    const { X509Certificate } = await import('node:crypto');
    const sim = await startCmlSimulator({ ...options, port: 0 });
    try {
      const names = new X509Certificate(sim.caCertPem).subjectAltName ?? '';
      expect(names).toContain('DNS:simulator');
      expect(names).toContain('DNS:cml.lab.example');
      expect(names).toContain('IP Address:127.0.0.1');
    } finally {
      await sim.close();
    }
  });

  it('reads port, host, user, seed count, latency and CA output file', () => {
    const config = readSimulatorEnvConfig({
      SIM_PORT: '0',
      SIM_HOST: '0.0.0.0',
      SIM_USERNAME: 'bench',
      SIM_PASSWORD: 'secret',
      SIM_SEED_LABS: '500',
      SIM_LATENCY_MS: '20',
      SIM_CA_OUT_FILE: '/tmp/ca.pem',
    });
    expect(config.options).toMatchObject({ port: 0, host: '0.0.0.0', seedLabs: 500, latencyMs: 20 });
    expect(config.options.users).toEqual([
      { username: 'bench', password: 'secret', admin: true, fullname: 'Administrator' },
    ]);
    expect(config.caOutFile).toBe('/tmp/ca.pem');
  });

  it('reads the CML version, auth_extended, the foreign-lab status and the transition times', () => {
    const config = readSimulatorEnvConfig({
      SIM_CML_VERSION: '2.10.0',
      SIM_AUTH_EXTENDED: 'false',
      SIM_FOREIGN_LAB_STATUS: '403',
      SIM_START_MS: '100',
      SIM_STOP_MS: '0',
      SIM_WIPE_MS: '50',
      SIM_TOKEN_TTL_SECONDS: '60',
    });
    expect(config.options).toMatchObject({
      version: '2.10.0',
      authExtended: false,
      foreignLabStatus: 403,
      startMs: 100,
      stopMs: 0,
      wipeMs: 50,
      tokenTtlSeconds: 60,
    });
    expect(STANDALONE_TRANSITION_TIMING).toEqual({ startMs: 3000, stopMs: 2000, wipeMs: 1000 });
  });

  it('refuses malformed versions, booleans and statuses', () => {
    expect(() => readSimulatorEnvConfig({ SIM_CML_VERSION: 'latest' })).toThrow(/SIM_CML_VERSION/);
    expect(() => readSimulatorEnvConfig({ SIM_AUTH_EXTENDED: 'no' })).toThrow(/SIM_AUTH_EXTENDED/);
    expect(() => readSimulatorEnvConfig({ SIM_FOREIGN_LAB_STATUS: '500' })).toThrow(/SIM_FOREIGN_LAB_STATUS/);
    expect(() => readSimulatorEnvConfig({ SIM_STOP_MS: '1.5' })).toThrow(/SIM_STOP_MS/);
  });

  it('reads the TLS files and insists on both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cml-sim-'));
    try {
      writeFileSync(join(dir, 'cert.pem'), 'CERT');
      writeFileSync(join(dir, 'key.pem'), 'KEY');
      const config = readSimulatorEnvConfig({
        SIM_TLS_CERT_FILE: join(dir, 'cert.pem'),
        SIM_TLS_KEY_FILE: join(dir, 'key.pem'),
      });
      expect(config.options.tls).toEqual({ cert: 'CERT', key: 'KEY' });
      expect(() => readSimulatorEnvConfig({ SIM_TLS_CERT_FILE: join(dir, 'cert.pem') })).toThrow(/together/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses values that are not non-negative integers', () => {
    expect(() => readSimulatorEnvConfig({ SIM_PORT: 'https' })).toThrow(/SIM_PORT/);
    expect(() => readSimulatorEnvConfig({ SIM_LATENCY_MS: '-5' })).toThrow(/SIM_LATENCY_MS/);
  });
});
