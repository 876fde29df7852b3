import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Page, UuidParamPipe } from '@app/common';
import {
  ApproveOrphansCommand,
  DeleteLabCommand,
  DeleteLabResult,
  GetWorkerLabQuery,
  LabView,
  ListPendingOrphansQuery,
  ListWorkerLabsQuery,
  PendingOrphanView,
  RefreshWorkerLabsCommand,
} from '@app/labs';
import { ReconcileSummary } from '@app/workers';
import { ApproveOrphansDto } from './approve-orphans.dto';
import { DeleteLabQueryDto } from './delete-lab-query.dto';
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

  @Delete('labs/:labId')
  deleteLab(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Param('labId', UuidParamPipe) labId: string,
    @Query() query: DeleteLabQueryDto,
  ): Promise<DeleteLabResult> {
    // deletedBy becomes the token subject once authentication is in place.
    return this.commands.execute(new DeleteLabCommand(workerId, labId, query.force ?? false, 'anonymous'));
  }

  @Get('orphans')
  pendingOrphans(
    @Param('workerId', UuidParamPipe) workerId: string,
  ): Promise<{ items: PendingOrphanView[] }> {
    return this.queries.execute(new ListPendingOrphansQuery(workerId));
  }

  @Post('orphans/approve')
  @HttpCode(200)
  approveOrphans(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Body() body: ApproveOrphansDto,
  ): Promise<ReconcileSummary> {
    return this.commands.execute(
      new ApproveOrphansCommand(
        workerId,
        body.labIds?.map((id) => id.toLowerCase()),
      ),
    );
  }
}
