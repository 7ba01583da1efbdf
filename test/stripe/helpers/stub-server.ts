// A tiny scripted HTTP server on 127.0.0.1 that records what the client sends.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A reply: status, JSON body and headers; `reset` destroys the socket; `delayMs` answers late. */
export type StubReply = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number } | 'reset';

export interface StubServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Replies with `script[i]` to the i-th request, repeating the last entry once the script runs out. */
export async function startStub(script: StubReply[] | ((request: RecordedRequest, index: number) => StubReply)): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const index = requests.length - 1;
      const reply = typeof script === 'function' ? script(recorded, index) : (script[Math.min(index, script.length - 1)] ?? { status: 200 });
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_${index + 1}`, ...reply.headers });
        res.end(text);
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
