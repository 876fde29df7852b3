import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { LAB_STATES } from '@app/labs';
import type { LabState } from '@app/labs';
import type { Answer, SameShape } from '../openapi/same-shape';
import type { BulkDeleteController } from './bulk-delete.controller';

@ApiSchema({ name: 'BulkDeletePreviewItem', description: 'A lab a bulk delete would take.' })
export class BulkDeletePreviewItemDto {
  workerId!: string;
  labId!: string;
  title!: string;
  owner!: string;
  @ApiProperty({ enum: LAB_STATES })
  state!: LabState;
}

@ApiSchema({
  name: 'BulkDeletePreview',
  description:
    'A dry run: the labs the filter selects now (at most BULK_DELETE_MAX_LABS listed), and how many in all.',
})
export class BulkDeletePreviewDto {
  items!: BulkDeletePreviewItemDto[];
  total!: number;
}

@ApiSchema({ name: 'BulkDeleteStarted' })
export class BulkDeleteStartedDto {
  jobId!: string;
}

const _answer: SameShape<
  BulkDeletePreviewDto | BulkDeleteStartedDto,
  Answer<BulkDeleteController['start']>
> = true;
