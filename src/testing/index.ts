export { createTestSession, TestSession } from './test-session';
export { mockSession, MockSession, type MockSessionCalls, type MockSessionInit } from './mock-session';
export { testToken } from './test-token';
