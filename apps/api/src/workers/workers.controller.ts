import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InvalidInputError, JsonBody, NoBody, NoQuery, Page, UuidParamPipe } from '@app/common';
import {
  GetWorkerQuery,
  ListWorkersQuery,
  RegisterWorkerCommand,
  RemoveWorkerCommand,
  UpdateWorkerCommand,
  WorkerView,
} from '@app/workers';
import { RequireRole } from '../auth/require-role.decorator';
import { PageQueryDto } from '../page-query.dto';
import { CreateWorkerDto } from './create-worker.dto';
import { UpdateWorkerDto } from './update-worker.dto';
import { WorkerPageDto, WorkerViewDto } from './worker-view.dto';
import { WorkerResponse, withSyncStates } from './worker-response';

@ApiTags('workers')
@ApiBearerAuth()
@Controller('api/workers')
export class WorkersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequireRole('admin')
  @ApiCreatedResponse({ type: WorkerViewDto })
  @NoQuery()
  @JsonBody()
  async register(@Body() body: CreateWorkerDto): Promise<WorkerResponse> {
    return this.one(await this.commands.execute(new RegisterWorkerCommand(body)));
  }

  @Get()
  @RequireRole('viewer')
  @ApiOkResponse({ type: WorkerPageDto })
  @NoBody()
  async list(@Query() query: PageQueryDto): Promise<Page<WorkerResponse>> {
    const page = await this.queries.execute(new ListWorkersQuery(query.limit, query.cursor));
    return {
      items: await withSyncStates(this.queries, page.items),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':workerId')
  @RequireRole('viewer')
  @ApiOkResponse({ type: WorkerViewDto })
  @NoQuery()
  @NoBody()
  async get(@Param('workerId', UuidParamPipe) workerId: string): Promise<WorkerResponse> {
    return this.one(await this.queries.execute(new GetWorkerQuery(workerId)));
  }

  @Patch(':workerId')
  @RequireRole('admin')
  @ApiOkResponse({ type: WorkerViewDto })
  @NoQuery()
  @JsonBody()
  async update(
    @Param('workerId', UuidParamPipe) workerId: string,
    @Body() body: UpdateWorkerDto,
  ): Promise<WorkerResponse> {
    if (Object.values(body).every((value) => value === undefined)) {
      throw new InvalidInputError('The body names no field to change');
    }
    return this.one(await this.commands.execute(new UpdateWorkerCommand(workerId, body)));
  }

  @Delete(':workerId')
  @RequireRole('admin')
  @ApiNoContentResponse()
  @HttpCode(204)
  @NoQuery()
  @NoBody()
  async remove(@Param('workerId', UuidParamPipe) workerId: string): Promise<void> {
    await this.commands.execute(new RemoveWorkerCommand(workerId));
  }

  private async one(view: WorkerView): Promise<WorkerResponse> {
    const [response] = await withSyncStates(this.queries, [view]);
    return response!;
  }
}
