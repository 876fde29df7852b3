import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NoBody, NoQuery, UuidParamPipe } from '@app/common';
import {
  GetReconciliationQuery,
  ListReconciliationsQuery,
  ReconciliationRun,
  StartReconciliationCommand,
} from '@app/labs';
import { RequireRole } from '../auth/require-role.decorator';
import {
  ReconciliationRunDto,
  ReconciliationRunListDto,
  ReconciliationStartedDto,
} from './reconciliation-run.dto';

@ApiTags('reconciliations')
@ApiBearerAuth()
@Controller('api/reconciliations')
export class ReconciliationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequireRole('admin')
  @ApiAcceptedResponse({ type: ReconciliationStartedDto })
  @HttpCode(202)
  @NoQuery()
  @NoBody()
  start(): Promise<{ reconciliationId: string }> {
    return this.commands.execute(new StartReconciliationCommand('manual'));
  }

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: ReconciliationRunListDto })
  @NoQuery()
  @NoBody()
  list(): Promise<{ items: ReconciliationRun[] }> {
    return this.queries.execute(new ListReconciliationsQuery(50));
  }

  @Get(':id')
  @RequireRole('viewer')
  @ApiOkResponse({ type: ReconciliationRunDto })
  @NoQuery()
  @NoBody()
  get(@Param('id', UuidParamPipe) id: string): Promise<ReconciliationRun> {
    return this.queries.execute(new GetReconciliationQuery(id));
  }
}
