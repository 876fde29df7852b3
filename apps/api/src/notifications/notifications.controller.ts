import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NoBody, NoQuery } from '@app/common';
import { ListNotificationsQuery, NotificationView, RetryNotificationCommand } from '@app/notifications';
import { RequireRole } from '../auth/require-role.decorator';
import { NotificationIdPipe } from './notification-id.pipe';
import { NotificationItemListDto } from './notification-item.dto';
import { NotificationQueryDto } from './notification-query.dto';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Undelivered notifications: `pending` (the backlog, the default) or `dead`. */
  @Get()
  @RequireRole('operator')
  @ApiOkResponse({ type: NotificationItemListDto })
  @NoBody()
  list(@Query() query: NotificationQueryDto): Promise<{ items: NotificationView[] }> {
    return this.queries.execute(new ListNotificationsQuery(query.status ?? 'pending'));
  }

  /** Replays a dead notification (404 unknown, 409 not dead). */
  @Post(':id/retry')
  @RequireRole('admin')
  @HttpCode(202)
  @ApiAcceptedResponse()
  @NoQuery()
  @NoBody()
  async retry(@Param('id', NotificationIdPipe) id: string): Promise<void> {
    await this.commands.execute(new RetryNotificationCommand(id));
  }
}
