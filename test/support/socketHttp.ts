/**
 * Requests over a real TCP socket, for what fastify's inject skips: Node's HTTP parser (header
 * limits, malformed requests) answers before fastify ever sees the request.
 */
import { connect } from 'node:net';

export interface SocketReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly contentType: string;
  /** Parsed when the answer is JSON, else the text. */
  readonly json: any;
}

/** Sends `raw` bytes as they are and reads the answer until the server closes or has sent Content-Length bytes. */
export const rawRequest = (baseUrl: string, raw: string): Promise<SocketReply> => {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    let received = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      const text = received.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => {
          const i = l.indexOf(':');
          return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
        }),
      );
      const body = received.subarray(Buffer.byteLength(text.slice(0, split + 4)));
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      if (length !== undefined && body.length < length) return;
      done = true;
      socket.destroy();
      const contentType = headers['content-type'] ?? '';
      const bodyText = body.toString('utf8');
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, contentType, json: contentType.includes('json') ? JSON.parse(bodyText) : bodyText });
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on('end', finish);
    socket.on('close', () => {
      finish();
      if (!done) reject(new Error(`the connection closed without a complete answer: ${JSON.stringify(received.toString('utf8').slice(0, 200))}`));
    });
    // The server may close as soon as it has answered (a 431 closes the connection): ignore the reset.
    socket.on('error', (error) => {
      if (!done && received.length === 0) reject(error);
    });
    socket.write(raw);
  });
};

export interface SocketRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** A well-formed HTTP/1.1 request. */
export const socketRequest = (baseUrl: string, r: SocketRequest): Promise<SocketReply> => {
  const host = new URL(baseUrl).host;
  const headers: Record<string, string> = { host, connection: 'close', ...r.headers };
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return rawRequest(baseUrl, `${r.method} ${r.path} HTTP/1.1\r\n${head}\r\n${r.body ?? ''}`);
};
