import { Controller, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { RecordAuditEventCommand } from '../application/commands/record-audit-event/record-audit-event.command';
import { LOG_FIELDS } from '../logging/pino-http.options';
import { IngestAuthGuard } from './auth/ingest-auth.guard';
import { readLabAuditEvent } from './read-lab-audit-event';

/** The CloudEvents sink: producers POST lab removal events here, at least once each, authenticated. */
@Controller()
@UseGuards(IngestAuthGuard)
export class CloudEventsController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * 201 `{stored: true}` the first time, 200 `{stored: false}` for a redelivery: both are 2xx, so
   * the producer stops redelivering either way.
   */
  @Post()
  async receive(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ stored: boolean }> {
    const event = readLabAuditEvent(req.headers, req.body);
    res.locals[LOG_FIELDS] = { eventId: event.id, workerId: event.workerId, labId: event.labId };
    const { stored } = await this.commands.execute(new RecordAuditEventCommand(event));
    res.status(stored ? 201 : 200);
    return { stored };
  }
}
