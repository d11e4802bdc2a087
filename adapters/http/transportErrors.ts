/**
 * Errors that happen before a request reaches a route, answered as problem+json like every other:
 *
 * - Node's HTTP parser refuses a request (headers over http.maxHeaderSize → 431, a request that
 *   is not HTTP/1.1 → 400, a client too slow → 408) before fastify sees it, on the raw socket, so
 *   the answer is written by hand there (fastify's `clientErrorHandler`);
 * - the router refuses a URL (bad percent-encoding → 400, a path parameter longer than
 *   MAX_PARAM_LENGTH → 414) before any route runs (fastify's `frameworkErrors`).
 *
 * MAX_PARAM_LENGTH is the header limit, so on a real socket every parameter Node lets through
 * reaches its route's codec and is refused there, by name (`params.address`); only inject, which
 * skips the parser, can exceed it.
 */
import http, { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problems, sendProblem, type Problem } from './problem.ts';

export const MAX_HEADER_BYTES = http.maxHeaderSize;
export const MAX_PARAM_LENGTH = MAX_HEADER_BYTES;

const clientProblem = (code: string | undefined): Problem => {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problems.headersTooLarge(MAX_HEADER_BYTES);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problems.requestTimeout();
    default:
      return problems.malformedHttp();
  }
};

/** Writes the problem on the raw socket (Node has not built a response object) and closes it. */
export const clientErrorHandler = (error: NodeJS.ErrnoException, socket: Socket): void => {
  // A reset socket has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const problem = clientProblem(error.code);
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
};

export const frameworkErrors = (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') void sendProblem(reply, problems.uriTooLong(MAX_PARAM_LENGTH));
  else if (error.code === 'FST_ERR_BAD_URL') void sendProblem(reply, problems.invalidRequest([{ field: 'url', message: 'is not a valid URL: bad percent-encoding' }]));
  else void sendProblem(reply, problems.invalidRequest([{ field: 'url', message: 'cannot be routed' }]));
};
