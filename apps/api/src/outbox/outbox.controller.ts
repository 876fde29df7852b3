import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NoBody, NoQuery, UuidParamPipe } from '@app/common';
import { ListOutboxQuery, OutboxItemView, RetryOutboxEventCommand } from '@app/labs';
import { RequireRole } from '../auth/require-role.decorator';
import { OutboxItemListDto } from './outbox-item.dto';
import { OutboxQueryDto } from './outbox-query.dto';

@ApiTags('outbox')
@ApiBearerAuth()
@Controller('api/outbox')
@RequireRole('admin')
export class OutboxController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Undelivered events per sink: `pending` (the backlog, the default) or `dead`. */
  @Get()
  @ApiOkResponse({ type: OutboxItemListDto })
  @NoBody()
  list(@Query() query: OutboxQueryDto): Promise<{ items: OutboxItemView[] }> {
    return this.queries.execute(new ListOutboxQuery(query.status ?? 'pending'));
  }

  @Post(':eventId/retry')
  @HttpCode(202)
  @ApiAcceptedResponse()
  @NoQuery()
  @NoBody()
  async retry(@Param('eventId', UuidParamPipe) eventId: string): Promise<void> {
    await this.commands.execute(new RetryOutboxEventCommand(eventId));
  }
}
