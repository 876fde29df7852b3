import { ConfigValidationError } from '@app/common';
import { loadAuditConfig } from './audit-config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAuditConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadAuditConfig', () => {
  it('applies the defaults', () => {
    const c = loadAuditConfig({ AUDIT_MONGODB_URI: 'mongodb://127.0.0.1:27017/audit' });
    expect(c).toMatchObject({ port: 8081, mongodbUri: 'mongodb://127.0.0.1:27017/audit', logLevel: 'info' });
    expect(c.notifyWebhookUrl).toBeUndefined();
  });

  it('falls back to MONGODB_URI, and prefers its own variable', () => {
    expect(loadAuditConfig({ MONGODB_URI: 'mongodb://a/x' }).mongodbUri).toBe('mongodb://a/x');
    expect(
      loadAuditConfig({ MONGODB_URI: 'mongodb://a/x', AUDIT_MONGODB_URI: 'mongodb://b/y' }).mongodbUri,
    ).toBe('mongodb://b/y');
  });

  it('accepts an http(s) webhook', () => {
    const c = loadAuditConfig({
      MONGODB_URI: 'mongodb://a/x',
      NOTIFY_WEBHOOK_URL: 'https://hooks.example/T1',
    });
    expect(c.notifyWebhookUrl).toBe('https://hooks.example/T1');
  });

  it('reports every wrong variable once, by name', () => {
    const problems = problemsOf({ AUDIT_PORT: 'eighty', NOTIFY_WEBHOOK_URL: 'ftp://x/', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/AUDIT_PORT /);
    expect(problems.join('\n')).toMatch(/AUDIT_MONGODB_URI is required \(or MONGODB_URI\)/);
    expect(problems.join('\n')).toMatch(/NOTIFY_WEBHOOK_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
  });

  it('names MONGODB_URI when the fallback is the wrong one', () => {
    expect(problemsOf({ MONGODB_URI: 'postgres://x' })).toEqual([
      'AUDIT_MONGODB_URI (from MONGODB_URI) must be a mongodb:// or mongodb+srv:// URI',
    ]);
  });
});
