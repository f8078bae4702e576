export { SessionManager } from './session-manager';
export { domActivity, type DomActivityOptions } from './activity/dom';
export { requestActivity, type RequestActivityOptions } from './activity/requests';
export { InvalidTokenError } from './core/token';
export type {
  ActivitySignals,
  ActivitySource,
  CheckOptions,
  CheckOutcome,
  CheckResult,
  ExpireReason,
  JwtClaims,
  SessionEvents,
  SessionOptions,
  SessionSnapshot,
  SessionState,
  WarningReason,
} from './types';
