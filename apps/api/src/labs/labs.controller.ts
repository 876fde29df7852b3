import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Page, UuidParamPipe } from '@app/common';
import { GetWorkerLabQuery, LabView, ListWorkerLabsQuery, RefreshWorkerLabsCommand } from '@app/labs';
import { ReconcileSummary } from '@app/workers';
import { ListLabsQueryDto } from './list-labs-query.dto';

@Controller('api/workers/:workerId')
export class LabsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('labs')
  list(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Query() query: ListLabsQueryDto,
  ): Promise<Page<LabView>> {
    return this.queries.execute(
      new ListWorkerLabsQuery(workerId, {
        state: query.state,
        owner: query.owner,
        limit: query.limit,
        cursor: query.cursor,
      }),
    );
  }

  @Get('labs/:labId')
  get(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Param('labId', UuidParamPipe) labId: string,
  ): Promise<LabView> {
    return this.queries.execute(new GetWorkerLabQuery(workerId, labId));
  }

  @Post('labs/refresh')
  @HttpCode(200)
  refresh(@Param('workerId', UuidParamPipe) workerId: string): Promise<ReconcileSummary> {
    return this.commands.execute(new RefreshWorkerLabsCommand(workerId, 'manual'));
  }
}
