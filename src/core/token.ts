import { jwtDecode, InvalidTokenError } from 'jwt-decode';
import type { JwtClaims } from '../types';

export { InvalidTokenError };

/**
 * Decodes a JWT's claims (no signature check: that is the server's job). `where` names the option
 * or method that got the token, for the message.
 * @throws `InvalidTokenError` (jwt-decode's class) saying where and what: not a string, a missing
 * part, bad base64 or JSON, claims that are not an object, a non-numeric `exp`/`iat`. A token
 * without `exp` is valid.
 */
export function decodeToken(token: unknown, where: string): JwtClaims {
  let claims: unknown;
  let problem = '';
  try {
    claims = jwtDecode(token as string);
  } catch (error) {
    problem = String((error as Error).message).replace(/^Invalid token specified: /, '');
  }
  if (!problem && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) problem = 'claims are not a JSON object';
  const { exp, iat } = (claims ?? {}) as JwtClaims;
  for (const [name, value] of [['exp', exp], ['iat', iat]] as const) {
    if (!problem && value !== undefined && !Number.isFinite(value)) problem = `\`${name}\` is not a number`;
  }
  if (problem) throw new InvalidTokenError(`sessionwarden: ${where} got a malformed JWT: ${problem}`);
  return claims as JwtClaims;
}

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
  const [x, y] = [(a as JwtClaims | null)?.sub, (b as JwtClaims | null)?.sub];
  return x !== undefined && y !== undefined && x !== y;
};
