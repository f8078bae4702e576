export { SessionManager } from './session-manager';
export { SessionCore } from './session-core';
export { appBinding, type AppBinding } from './app-binding';
export { domActivity, type DomActivityOptions } from './activity/dom';
export { requestActivity, type RequestActivityOptions } from './activity/requests';
export { jwtToken, type JwtTokenOptions, type JwtTokenSignal } from './token/jwt-token';
export { tokenRefresh, type TokenRefreshOptions, type TokenRefreshSignal } from './token/token-refresh';
export { serverCheck } from './check/server-check';
export { serverEvents, type ServerEventsOptions } from './events/server-events';
export { sharedTabs, type SharedTabsOptions } from './tabs/shared-tabs';
export { closeDetection, type CloseDetectionOptions, type CloseDetectionSignal } from './lifecycle/close';
export { beforeExpire } from './lifecycle/before-expire';
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
  SessionSnapshot,
  SessionState,
  WarningReason,
} from './types';
export type { CoreOptions, SessionOptions } from './options';
export type { BusEvents, PageHide, Phase, ServerTime, SessionContext, SessionSignal, SharedRecord, SignalHooks, TabMessage, TokenNews } from './signal';
