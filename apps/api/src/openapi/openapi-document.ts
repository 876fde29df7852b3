import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The API's OpenAPI document, as `/api/docs-json` serves it. The web console's types are generated from it
 * (`npm run web:api-types`, scripts/generate-api-types.ts), so a route or a view that changes here changes there.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return withSortedEnums(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('cml-labs')
        .setDescription('Lab inventory of CML servers: two-phase delete, reconciliation, audit trail')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    ),
  );
}

/**
 * The document with every list of string `enum` values in alphabetical order. The swagger plugin takes most enums
 * from TypeScript union types, whose member order is the order in which the compiler first met each literal: an
 * unrelated change elsewhere in the program can reorder them, and with them the console's generated types
 * (which CI checks). Sorted, the document depends on the values alone.
 */
export function withSortedEnums<T>(document: T): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'enum' && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
        value.sort();
      } else {
        visit(value);
      }
    }
  };
  visit(document);
  return document;
}
