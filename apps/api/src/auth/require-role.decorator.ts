import { SetMetadata } from '@nestjs/common';
import { Role } from '@app/common/auth';

export const REQUIRED_ROLE = 'cml-labs:required-role';

/** The least role a route needs. A route without it needs admin (safe default). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export const PUBLIC_ROUTE = 'cml-labs:public-route';

/** A controller or route that needs no token (health, metrics). Everything else does. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
