import { jwtDecode, InvalidTokenError } from 'jwt-decode';
import type { JwtClaims } from '../types';

export { InvalidTokenError };

const invalid = (problem: string): never => {
  throw new InvalidTokenError(`Invalid token specified: ${problem}`);
};

/**
 * Decodes a JWT's claims (no signature check: that is the server's job).
 * Throws `InvalidTokenError` naming the problem (jwt-decode's own for a non-string, a missing
 * part, bad base64 or bad JSON); a token without `exp` is valid.
 */
export function decodeToken(token: unknown): JwtClaims {
  const claims: unknown = jwtDecode(token as string);
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) invalid('claims are not a JSON object');
  const { exp, iat } = claims as JwtClaims;
  if (exp !== undefined && !Number.isFinite(exp)) invalid('`exp` is not a number');
  if (iat !== undefined && !Number.isFinite(iat)) invalid('`iat` is not a number');
  return claims as JwtClaims;
}

/** The local time at which a server-clock instant `at` happens, given `skew` = server − client. */
export const toLocal = (at: number | undefined, skew: number): number => (at === undefined ? Infinity : at - skew);
