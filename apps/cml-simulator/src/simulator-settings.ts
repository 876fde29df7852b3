import { ForeignLabStatus } from './lab-access';

/** Behaviour switches for what is open or version-dependent in CML; all can change at run time (/_sim/settings). */
export interface SimulatorSettings {
  /** What GET /system_information reports; from 2.10.0 on, GET /authentication exists too. */
  version: string;
  /** false: POST /auth_extended answers 404, like a controller that predates it. */
  authExtended: boolean;
  /** Status for a non-admin asking for a lab it cannot see: 404 `Lab not found: <id>` (default) or 403. */
  foreignLabStatus: ForeignLabStatus;
}

export const DEFAULT_CML_VERSION = '2.9.0';

export const DEFAULT_SETTINGS: SimulatorSettings = {
  version: DEFAULT_CML_VERSION,
  authExtended: true,
  foreignLabStatus: 404,
};

/** The version pattern virl2-client accepts (`Version.parse_version_str`). */
export const CML_VERSION_PATTERN = /^(\d{1,2})\.(\d{1,2})\.(\d{1,2})(.{0,32})$/;

/** True when `version` is at least major.minor (unparseable versions count as old). */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const match = CML_VERSION_PATTERN.exec(version);
  if (!match) {
    return false;
  }
  const [maj, min] = [Number(match[1]), Number(match[2])];
  return maj > major || (maj === major && min >= minor);
}
