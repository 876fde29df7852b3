import { SetMetadata } from '@nestjs/common';
import { Role } from './role';

export const REQUIRED_ROLE = 'cml-labs:required-role';

/** The least role a route needs. An /api route without it needs admin (safe default). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
