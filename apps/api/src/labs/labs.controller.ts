import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InvalidInputError, JsonBody, NoBody, NoQuery, Page, UuidParamPipe } from '@app/common';
import { AuthenticatedUser, grants } from '@app/common/auth';
import {
  ApproveOrphansCommand,
  DeleteLabCommand,
  DeleteLabResult,
  GetWorkerLabQuery,
  LabView,
  ListPendingOrphansQuery,
  ListRemovedLabsQuery,
  RemovedLabView,
  RestoreLabCommand,
  ListWorkerLabsQuery,
  PendingOrphanView,
  ReconcileSummary,
  RefreshWorkerLabsCommand,
} from '@app/labs';
import { CurrentUser } from '../auth/current-user.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ReconcileSummaryDto } from '../reconciliations/reconcile-summary.dto';
import { ApproveOrphansDto } from './approve-orphans.dto';
import { DeleteLabQueryDto } from './delete-lab-query.dto';
import { DeleteLabResultDto, LabPageDto, LabViewDto, PendingOrphanListDto } from './lab-view.dto';
import { ListLabsQueryDto } from './list-labs-query.dto';
import { RefreshLabsQueryDto } from './refresh-labs-query.dto';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

@ApiTags('labs')
@ApiBearerAuth()
@Controller('api/workers/:workerId')
export class LabsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('labs')
  @RequireRole('viewer')
  @ApiOkResponse({ type: LabPageDto })
  @NoBody()
  list(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Query() query: ListLabsQueryDto,
  ): Promise<Page<LabView> | { items: RemovedLabView[]; nextCursor: null }> {
    if (query.removed) {
      const filters = (['state', 'owner', 'cursor'] as const).filter((f) => query[f] !== undefined);
      if (filters.length > 0)
        throw new InvalidInputError(
          'removed=true lists the removed records alone',
          filters.map((field) => ({ field, message: `${field} cannot be combined with removed=true` })),
        );
      return this.queries.execute(new ListRemovedLabsQuery(workerId, query.limit));
    }
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
  @RequireRole('viewer')
  @ApiOkResponse({ type: LabViewDto })
  @NoQuery()
  @NoBody()
  get(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Param('labId', UuidParamPipe) labId: string,
  ): Promise<LabView> {
    return this.queries.execute(new GetWorkerLabQuery(workerId, labId));
  }

  @Post('labs/refresh')
  @RequireRole('operator')
  @ApiOkResponse({ type: ReconcileSummaryDto })
  @HttpCode(200)
  @NoBody()
  refresh(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Query() query: RefreshLabsQueryDto,
  ): Promise<ReconcileSummary> {
    return this.commands.execute(
      new RefreshWorkerLabsCommand(workerId, {
        trigger: 'manual',
        dryRun: query.dryRun ?? false,
        failWhenCmlUntrusted: true,
      }),
    );
  }

  @Post('labs/:labId/restore')
  @RequireRole('admin')
  @ApiOkResponse({ type: LabViewDto })
  @ApiHeader({
    name: 'traceparent',
    required: false,
    description: 'W3C trace context, carried into the lab.restored CloudEvent',
  })
  @HttpCode(200)
  @NoQuery()
  @NoBody()
  restore(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Param('labId', UuidParamPipe) labId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('traceparent') traceparent?: string,
  ): Promise<LabView> {
    const trace = traceparent && TRACEPARENT.test(traceparent.trim()) ? traceparent.trim() : undefined;
    return this.commands.execute(new RestoreLabCommand(workerId, labId, user.subject, trace));
  }

  @Delete('labs/:labId')
  @RequireRole('operator')
  @ApiOkResponse({ type: DeleteLabResultDto })
  @ApiHeader({
    name: 'traceparent',
    required: false,
    description: 'W3C trace context, carried into the lab.deleted CloudEvent',
  })
  @NoBody()
  deleteLab(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Param('labId', UuidParamPipe) labId: string,
    @Query() query: DeleteLabQueryDto,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('traceparent') traceparent?: string,
  ): Promise<DeleteLabResult> {
    const trace = traceparent && TRACEPARENT.test(traceparent.trim()) ? traceparent.trim() : undefined;
    return this.commands.execute(
      new DeleteLabCommand(
        workerId,
        labId,
        query.force ?? false,
        {
          subject: user.subject,
          username: user.username,
          isAdmin: grants(user.roles, 'admin'),
        },
        trace,
      ),
    );
  }

  @Get('orphans')
  @RequireRole('viewer')
  @ApiOkResponse({ type: PendingOrphanListDto })
  @NoQuery()
  @NoBody()
  pendingOrphans(
    @Param('workerId', UuidParamPipe) workerId: string,
  ): Promise<{ items: PendingOrphanView[] }> {
    return this.queries.execute(new ListPendingOrphansQuery(workerId));
  }

  @Post('orphans/approve')
  @RequireRole('admin')
  @ApiOkResponse({ type: ReconcileSummaryDto })
  @HttpCode(200)
  @NoQuery()
  @JsonBody()
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
