export type { CmlSimulatorOptions } from './cml-simulator-options';
export { startCmlSimulator } from './start-cml-simulator';
export { readSimulatorEnvConfig, STANDALONE_TRANSITION_TIMING } from './simulator-env-config';
export type { RunningCmlSimulator } from './start-cml-simulator';
export { SimulatorState } from './simulator-state';
export { DEFAULT_SIMULATOR_USERS, BUILT_IN_ADMIN_ID } from './simulator-user';
export type { SimulatorUser } from './simulator-user';
export type {
  SeedLabsRequest,
  PatchLabRequest,
  AddUserRequest,
  TimingPatchRequest,
  SettingsPatchRequest,
} from './admin-request-schemas';
export type { SimulatorUserSummary } from './user-directory';
export { DEFAULT_TOKEN_TTL_SECONDS, DEFAULT_TRANSITION_TIMING } from './start-cml-simulator';
export { LIFECYCLE_ERRORS } from './lab-lifecycle';
export type { TransitionTiming } from './lab-lifecycle';
export { ACCESS_ERRORS } from './lab-access';
export type { ForeignLabStatus } from './lab-access';
export { DEFAULT_SETTINGS, DEFAULT_CML_VERSION } from './simulator-settings';
export type { SimulatorSettings } from './simulator-settings';
export { CML_TOKEN_ISSUER } from './token-issuer';
export type { CmlTokenClaims } from './token-issuer';
export { FOREIGN_404_HTML } from './request-fault-gate';
export { FAULT_KINDS } from './simulated-fault';
export type { FaultSpec, FaultKind, ActiveFault, BadBodyFormat } from './simulated-fault';
export { PUBLIC_ROUTE_NAMES } from './public-route-name';
export type { PublicRouteName } from './public-route-name';
export type { LabState, LabView, NodeState, LabPermission, LabGroupView } from './simulated-lab';
export type { RequestStatsSnapshot } from './request-stats';
export { generateSelfSignedCertificate } from './self-signed-certificate';
export type { TlsMaterial } from './self-signed-certificate';
export { UNAUTHORIZED_DESCRIPTIONS } from './token-issuer';
export { AUTHENTICATION_FAILED } from './public-api-router';
