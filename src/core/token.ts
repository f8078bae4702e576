import { jwtDecode, InvalidTokenError } from 'jwt-decode';
import type { JwtClaims } from '../types';
import { message, type Problem } from '../errors';
import { isObject } from '../options';

export { InvalidTokenError };

/**
 * Decodes a JWT's claims (no signature check: that is the server's job). `where` names the option or
 * method that got the token (in production, its code: docs/errors.md), for the message.
 * @throws `InvalidTokenError` (jwt-decode's class) saying where and, in development, what: not a
 * string, a missing part, bad base64 or JSON, claims that are not an object, a non-numeric
 * `exp`/`iat`. A token without `exp` is valid.
 */
export function decodeToken(token: unknown, where: Problem): JwtClaims {
  let claims: JwtClaims;
  try {
    claims = jwtDecode(token as string);
  } catch (error) {
    throw malformed(where, __DEV__ && String((error as Error).message).replace(/^Invalid token specified: /, ''));
  }
  // Claims that are not an object, or times that are not numbers, would give a session without an end.
  if (!isObject(claims) || Array.isArray(claims)) throw malformed(where, __DEV__ && 'claims are not a JSON object');
  for (const name of ['exp', 'iat'] as const) {
    if (claims[name] !== undefined && !Number.isFinite(claims[name])) throw malformed(where, __DEV__ && `\`${name}\` is not a number`);
  }
  return claims;
}

/** The error of a malformed JWT given to `where` (in development, saying what is wrong with it). */
const malformed = (where: Problem, problem: string | false) => new InvalidTokenError(message(__DEV__ ? `${where} got a malformed JWT: ${problem}` : where));

/**
 * A short one-way fingerprint of a token (FNV-1a, 32 bits), kept in the shared record so that a new
 * sign-in can be told from the ended session's own token without storing the token.
 */
export const fingerprint = (token: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
};

/** The local time at which a server-clock instant `at` happens, given `skew` = server − client. */
export const toLocal = (at: number | undefined, skew: number): number => (at === undefined ? Infinity : at - skew);

/** Whether two tokens' subjects (`sub`) say they are different users; a token without `sub` says nothing. */
export const otherUser = (a: object | null | undefined, b: object | null | undefined): boolean => {
  const x = (a as JwtClaims | null)?.sub;
  const y = (b as JwtClaims | null)?.sub;
  return x !== undefined && y !== undefined && x !== y;
};
