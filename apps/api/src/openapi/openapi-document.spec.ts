import { withSortedEnums } from './openapi-document';

describe('withSortedEnums', () => {
  it('sorts every list of string enum values, however deep, and leaves the rest as it was', () => {
    const doc = {
      components: {
        schemas: {
          Summary: {
            properties: {
              status: { type: 'string', enum: ['succeeded', 'skipped', 'failed'] },
              tags: { type: 'array', items: { enum: ['b', 'a'] } },
              level: { type: 'integer', enum: [3, 1, 2] },
            },
            required: ['status', 'level'],
          },
        },
      },
      paths: { '/x': { get: { parameters: [{ schema: { enum: ['z', 'y'] } }] } } },
    };

    expect(withSortedEnums(doc)).toEqual({
      components: {
        schemas: {
          Summary: {
            properties: {
              status: { type: 'string', enum: ['failed', 'skipped', 'succeeded'] },
              tags: { type: 'array', items: { enum: ['a', 'b'] } },
              level: { type: 'integer', enum: [3, 1, 2] },
            },
            required: ['status', 'level'],
          },
        },
      },
      paths: { '/x': { get: { parameters: [{ schema: { enum: ['y', 'z'] } }] } } },
    });
  });
});
