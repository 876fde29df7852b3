import { Global, Module } from '@nestjs/common';
import { SingleInstanceOnFerretDb } from './single-instance-on-ferretdb';

/**
 * Refuses an unsafe deployment at start (see SingleInstanceOnFerretDb). Global for the order of the lifecycle
 * hooks only: Nest runs a global module's init hooks before, and its shutdown hooks after, every feature
 * module's, so the claim is taken before any job starts and freed after the last reconciliation has finished.
 */
@Global()
@Module({ providers: [SingleInstanceOnFerretDb] })
export class DeploymentCheckModule {}
