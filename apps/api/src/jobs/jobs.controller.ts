import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NoBody, NoQuery, UuidParamPipe } from '@app/common';
import { GetJobQuery, JobView } from '@app/labs';
import { RequireRole } from '../auth/require-role.decorator';
import { JobViewDto } from './job-view.dto';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':jobId')
  @RequireRole('viewer')
  @ApiOkResponse({ type: JobViewDto })
  @NoQuery()
  @NoBody()
  get(@Param('jobId', UuidParamPipe) jobId: string): Promise<JobView> {
    return this.queries.execute(new GetJobQuery(jobId));
  }
}
