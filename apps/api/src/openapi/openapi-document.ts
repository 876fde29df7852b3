import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The API's OpenAPI document, as `/api/docs-json` serves it. The web console's types are generated from it
 * (`npm run web:api-types`, scripts/generate-api-types.ts), so a route or a view that changes here changes there.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cml-labs')
      .setDescription('Lab inventory of CML servers: two-phase delete, reconciliation, audit trail')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}
