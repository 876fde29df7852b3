import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppConfig } from '@app/common';
import { RegisterWorkerHandler } from './application/commands/register-worker/register-worker.handler';
import { RemoveWorkerHandler } from './application/commands/remove-worker/remove-worker.handler';
import { UpdateWorkerHandler } from './application/commands/update-worker/update-worker.handler';
import { EndpointGuard } from './application/endpoint-guard';
import { EndpointResolver } from './application/ports/endpoint-resolver';
import { SecretCipher } from './application/ports/secret-cipher';
import { WorkerRepository } from './application/ports/worker.repository';
import { GetWorkerHandler } from './application/queries/get-worker/get-worker.handler';
import { ListWorkersHandler } from './application/queries/list-workers/list-workers.handler';
import { WorkerDirectory } from './application/worker-directory';
import { WorkerRemovalHooks } from './application/worker-removal-hooks';
import { EndpointAddressPolicy } from './domain/endpoint-address-policy';
import { AesGcmSecretCipher } from './infrastructure/crypto/aes-gcm-secret-cipher';
import { DnsEndpointResolver } from './infrastructure/dns/dns-endpoint-resolver';
import { MongoWorkerRepository } from './infrastructure/persistence/mongo/mongo-worker.repository';
import { WorkerDocument, WorkerSchema } from './infrastructure/persistence/mongo/worker.schema';

/**
 * The workers context: registered CML controllers and their credentials. Expects AppConfig and Clock to
 * be provided globally (AppConfigModule). Contexts that keep data per worker register a WorkerRemovalHook.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: WorkerDocument.name, schema: WorkerSchema }])],
  providers: [
    { provide: WorkerRepository, useClass: MongoWorkerRepository },
    {
      provide: SecretCipher,
      useFactory: (config: AppConfig) => AesGcmSecretCipher.fromConfig(config),
      inject: [AppConfig],
    },
    {
      provide: EndpointAddressPolicy,
      useFactory: (config: AppConfig) => new EndpointAddressPolicy(config.cmlAllowPrivateEndpoints),
      inject: [AppConfig],
    },
    { provide: EndpointResolver, useClass: DnsEndpointResolver },
    EndpointGuard,
    WorkerDirectory,
    WorkerRemovalHooks,
    RegisterWorkerHandler,
    UpdateWorkerHandler,
    RemoveWorkerHandler,
    GetWorkerHandler,
    ListWorkersHandler,
  ],
  exports: [WorkerRepository, WorkerDirectory, WorkerRemovalHooks, SecretCipher],
})
export class WorkersModule {}
