// SPDX-License-Identifier: Apache-2.0
// Reads one HTTP/1.1 response from the bytes received so far. The shim sends exactly one request
// per connection (Connection: close), so it needs no more than the status and the body, framed by
// Transfer-Encoding: chunked (what node-agent's node:http server sends), Content-Length, or the
// end of the connection.

export interface HttpAnswer {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * The response in `data`, or undefined while more bytes are needed.
 * @param ended the peer closed the connection: no more bytes will come.
 * @throws Error for a malformed response, or when `ended` and the response is cut short.
 */
export function parseHttpResponse(data: Buffer, ended: boolean): HttpAnswer | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) return incomplete(ended);
  const [statusLine = '', ...headerLines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const body = readBody(data.subarray(headEnd + HEAD_END.length), headersOf(headerLines), ended);
  return body === undefined ? incomplete(ended) : { status: Number(status[1]), body: body.toString('utf8') };
}

function incomplete(ended: boolean): undefined {
  if (ended) throw new Error('connection closed before the answer was complete');
  return undefined;
}

/** Lower-cased header names; a repeated header keeps its last value (none we read may repeat). */
function headersOf(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function readBody(body: Buffer, headers: Map<string, string>, ended: boolean): Buffer | undefined {
  const transferEncoding = headers.get('transfer-encoding');
  if (transferEncoding !== undefined) {
    if (transferEncoding.toLowerCase() !== 'chunked') throw new Error(`unsupported transfer-encoding ${JSON.stringify(transferEncoding)}`);
    return dechunk(body);
  }
  const contentLength = headers.get('content-length');
  if (contentLength === undefined) return ended ? body : undefined;
  if (!/^\d+$/.test(contentLength)) throw new Error(`malformed content-length ${JSON.stringify(contentLength)}`);
  const length = Number(contentLength);
  return body.length >= length ? body.subarray(0, length) : undefined;
}

/** Chunked body → bytes, or undefined until the last (zero-size) chunk has arrived. Trailers are ignored. */
function dechunk(body: Buffer): Buffer | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  // Each round consumes at least the two bytes of a CRLF, so this many rounds always suffice.
  for (let round = 0; round <= body.length; round++) {
    const lineEnd = body.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = chunkSize(body.subarray(at, lineEnd).toString('latin1'));
    if (size === 0) return Buffer.concat(chunks);
    const start = lineEnd + CRLF.length;
    if (body.length < start + size + CRLF.length) return undefined;
    chunks.push(body.subarray(start, start + size));
    at = start + size + CRLF.length;
  }
  return undefined;
}

function chunkSize(line: string): number {
  // A chunk extension (";name=value") may follow the size.
  const hex = (line.split(';')[0] ?? '').trim();
  if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new Error(`malformed chunk size ${JSON.stringify(line.slice(0, 20))}`);
  return parseInt(hex, 16);
}
