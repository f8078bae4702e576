import { need } from './test-session';

const base64url = (value: unknown): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value)))).replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));

/**
 * An unsigned JWT with these claims, for tests: the client never checks a signature, so
 * `createTestSession({ token: testToken({ roles: ['editor'], exp }) })` has those roles and that
 * expiry (`exp` and `iat` are in seconds: `Math.floor(Date.now() / 1000) + 3600`). Never accepted
 * by a server that verifies its tokens, as every server must.
 * @throws `TypeError` when `claims` is not a plain object.
 */
export function testToken(claims: Record<string, unknown>): string {
  need(typeof claims === 'object' && claims !== null && !Array.isArray(claims), 'testToken() takes the claims (an object)');
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.test`;
}
