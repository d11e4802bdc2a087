/**
 * Is this failure the database being unreachable (down, restarting, refusing connections, the
 * pool unable to connect in time) rather than a fault of the request or of our SQL? Those are
 * transient and nothing was acknowledged, so callers answer "try again" (HTTP 503) instead of
 * "bug" (500). The one place that decides it, for node-postgres and PGlite errors alike.
 */

/** Socket-level errnos: the server is gone or cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not taking sessions: admin_shutdown, crash_shutdown,
 * cannot_connect_now (starting up, shutting down, recovering), too_many_connections. Class 08
 * (connection exception) is matched as a class.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports these without a code. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /timeout exceeded when trying to connect/, // pg.Pool connectionTimeoutMillis
  /is not queryable/, // a client whose connection already failed
];

const isUnavailableItself = (error: { code?: unknown; message?: unknown }): boolean => {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((m) => m.test(message));
};

/** True when `error`, its `cause` chain or any error it aggregates (a failed multi-address connect) says the database is unreachable. */
export const isDatabaseUnavailable = (error: unknown, depth = 0): boolean => {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (isUnavailableItself(e)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return e.cause !== undefined && isDatabaseUnavailable(e.cause, depth + 1);
};
