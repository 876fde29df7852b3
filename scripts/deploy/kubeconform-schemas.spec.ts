import { crdSchemas, kubernetesSchemas, schemaFileName, strictSchema } from './kubeconform-schemas';

describe('kubeconform schemas', () => {
  it('names files as kubeconform looks them up', () => {
    expect(schemaFileName({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(
      'deployment-apps-v1.json',
    );
    expect(schemaFileName({ group: '', version: 'v1', kind: 'Service' })).toBe('service-v1.json');
    expect(schemaFileName({ group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor' })).toBe(
      'servicemonitor-monitoring-v1.json',
    );
  });

  it('is strict: no field beyond the properties, except where unknown fields are preserved', () => {
    expect(
      strictSchema({
        type: 'object',
        required: ['a'],
        properties: {
          a: { type: 'string' },
          b: { type: 'object', properties: { c: { type: 'integer' } } },
          open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { d: {} } },
          port: { format: 'int-or-string', type: 'string' },
        },
      }),
    ).toEqual({
      type: 'object',
      required: ['a'],
      additionalProperties: false,
      properties: {
        a: { type: 'string' },
        b: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { c: { type: ['integer', 'null'] } },
        },
        open: {
          type: ['object', 'null'],
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { d: {} },
        },
        port: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] },
      },
    });
  });

  it('makes one self-contained file per kind, with its apiVersion and kind only', () => {
    const schemas = kubernetesSchemas({
      definitions: {
        'io.k8s.api.apps.v1.Deployment': {
          'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            spec: { $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentSpec' },
          },
        },
        'io.k8s.api.apps.v1.DeploymentSpec': {
          type: 'object',
          properties: { cpu: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' } },
        },
        'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
        'io.k8s.api.apps.v1.Unrelated': { type: 'object' },
      },
    });
    expect([...schemas.keys()]).toEqual(['deployment-apps-v1.json']);
    const deployment = schemas.get('deployment-apps-v1.json')!;
    expect(deployment.properties).toMatchObject({
      apiVersion: { enum: ['apps/v1'] },
      kind: { enum: ['Deployment'] },
    });
    expect(deployment.additionalProperties).toBe(false);
    expect(Object.keys(deployment.definitions as object).sort()).toEqual([
      'io.k8s.api.apps.v1.DeploymentSpec',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
    ]);
    expect(
      (deployment.definitions as Record<string, unknown>)['io.k8s.apimachinery.pkg.api.resource.Quantity'],
    ).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }],
    });
  });

  it('refuses a document whose references lead nowhere', () => {
    expect(() =>
      kubernetesSchemas({
        definitions: {
          X: {
            'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'X' }],
            properties: { a: { $ref: '#/definitions/Missing' } },
          },
        },
      }),
    ).toThrow('the OpenAPI document has no definition Missing');
  });

  it('makes a file per served version of a CRD, and skips other documents', () => {
    const schemas = crdSchemas([
      { kind: 'ConfigMap' },
      {
        kind: 'CustomResourceDefinition',
        spec: {
          group: 'monitoring.coreos.com',
          names: { kind: 'PrometheusRule' },
          versions: [
            {
              name: 'v1',
              schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
            },
          ],
        },
      },
    ]);
    expect([...schemas.keys()]).toEqual(['prometheusrule-monitoring-v1.json']);
    expect(schemas.get('prometheusrule-monitoring-v1.json')).toMatchObject({
      additionalProperties: false,
      properties: { apiVersion: { enum: ['monitoring.coreos.com/v1'] }, kind: { enum: ['PrometheusRule'] } },
    });
  });
});
