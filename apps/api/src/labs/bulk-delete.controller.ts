import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ForbiddenError, JsonBody, NoQuery } from '@app/common';
import { AuthenticatedUser, grants } from '@app/common/auth';
import { BulkDeleteFilter, BulkDeletePreviewItem, StartBulkDeleteCommand } from '@app/labs';
import { CurrentUser } from '../auth/current-user.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { BulkDeleteRequestDto } from './bulk-delete-request.dto';
import { BulkDeletePreviewDto, BulkDeleteStartedDto } from './bulk-delete-view.dto';

@ApiTags('labs')
@ApiBearerAuth()
@ApiExtraModels(BulkDeletePreviewDto, BulkDeleteStartedDto)
@Controller('api/labs')
export class BulkDeleteController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Bulk delete by filter. `dryRun: true` answers 200 with what the filter selects in the local
   * inventory and changes nothing; otherwise 202 with the id of a job that deletes each selected
   * lab through Phase 1 (`GET /api/jobs/:jobId`). `force` needs the admin role.
   */
  @Post('bulk-delete')
  @RequireRole('operator')
  @ApiOkResponse({ type: BulkDeletePreviewDto, description: 'dryRun: true' })
  @ApiAcceptedResponse({ type: BulkDeleteStartedDto, description: 'the job was started' })
  @HttpCode(200)
  @NoQuery()
  @JsonBody()
  async start(
    @Body() body: BulkDeleteRequestDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ items: BulkDeletePreviewItem[]; total: number } | { jobId: string }> {
    const force = body.force ?? false;
    const isAdmin = grants(user.roles, 'admin');
    // Before anything is read or written, as for the dry run of a forced delete too.
    if (force && !isAdmin)
      throw new ForbiddenError('A forced bulk delete (force: true) needs the admin role');
    const { workerIds, owner, titlePrefix, state, createdBefore } = body.filter;
    const filter = BulkDeleteFilter.of({
      workerIds: workerIds?.map((id) => id.toLowerCase()),
      owner,
      titlePrefix,
      state,
      createdBefore: createdBefore === undefined ? undefined : new Date(createdBefore),
    });
    const result = await this.commands.execute(
      new StartBulkDeleteCommand(filter, force, body.dryRun ?? false, {
        subject: user.subject,
        username: user.username,
        isAdmin,
      }),
    );
    if (result.dryRun) return { items: result.items, total: result.total };
    res.status(202);
    return { jobId: result.jobId };
  }
}
