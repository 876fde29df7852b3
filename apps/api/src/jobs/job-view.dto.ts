import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Answer, SameShape } from '../openapi/same-shape';
import type { JobsController } from './jobs.controller';

@ApiSchema({
  name: 'JobFailedItem',
  description: 'A lab of a job whose Phase 1 delete failed, with the answer it got.',
})
export class JobFailedItemDto {
  workerId!: string;
  labId!: string;
  /** The HTTP status the single delete would have answered (409, 502, 504, ...). */
  status!: number;
  /** The problem detail it would have answered. */
  detail!: string;
}

@ApiSchema({ name: 'Job', description: 'A background job and its progress.' })
export class JobViewDto {
  id!: string;
  @ApiProperty({ enum: ['bulk-delete'] })
  kind!: 'bulk-delete';
  /** running while any lab is left; then succeeded, or failed when any lab failed. */
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] })
  status!: 'running' | 'succeeded' | 'failed';
  total!: number;
  /** Labs that have ended: deleted, already gone, or failed. */
  done!: number;
  failed!: JobFailedItemDto[];
}

const _job: SameShape<JobViewDto, Answer<JobsController['get']>> = true;
