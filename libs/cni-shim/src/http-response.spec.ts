// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { parseHttpResponse } from './http-response.ts';

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const HEAD = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n';

describe('parseHttpResponse', () => {
  it('decodes a chunked body (what node:http sends for writeHead + end)', () => {
    const wire = `${HEAD}Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{"a":1\r\n1\r\n}\r\n0\r\n\r\n`;
    expect(parseHttpResponse(b(wire), false)).toEqual({ status: 200, body: '{"a":1}' });
  });

  it('accepts chunk extensions, upper-case hex and ignores trailers', () => {
    const wire = `${HEAD}transfer-encoding: Chunked\r\n\r\nA;name=x\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n`;
    expect(parseHttpResponse(b(wire), false)).toEqual({ status: 200, body: '0123456789' });
  });

  it('reads exactly Content-Length bytes', () => {
    expect(parseHttpResponse(b(`${HEAD}Content-Length: 2\r\n\r\nokEXTRA`), false)).toEqual({ status: 200, body: 'ok' });
    expect(parseHttpResponse(b(`HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n`), false)).toEqual({ status: 204, body: '' });
  });

  it('reads to the end of the connection without framing headers', () => {
    const wire = b(`${HEAD}\r\n{"x":true}`);
    expect(parseHttpResponse(wire, false)).toBeUndefined();
    expect(parseHttpResponse(wire, true)).toEqual({ status: 200, body: '{"x":true}' });
  });

  it('keeps multi-byte UTF-8 intact across chunks', () => {
    const text = Buffer.from('{"msg":"ü"}', 'utf8');
    const [first, second] = [text.subarray(0, 9), text.subarray(9)]; // splits the two bytes of ü
    const wire = Buffer.concat([b(`${HEAD}Transfer-Encoding: chunked\r\n\r\n${first.length.toString(16)}\r\n`), first, b(`\r\n${second.length.toString(16)}\r\n`), second, b('\r\n0\r\n\r\n')]);
    expect(parseHttpResponse(wire, false)).toEqual({ status: 200, body: '{"msg":"ü"}' });
  });

  it('asks for more bytes at every cut of a complete chunked response, then succeeds', () => {
    const wire = b(`HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nboom\r\n0\r\n\r\n`);
    const complete = wire.indexOf('0\r\n\r\n') + 1; // the size line of the last chunk ends here
    for (let cut = 0; cut < complete; cut++) expect(parseHttpResponse(wire.subarray(0, cut), false)).toBeUndefined();
    expect(parseHttpResponse(wire, false)).toEqual({ status: 500, body: 'boom' });
  });

  it.each([
    ['no head at all', ''],
    ['a head only', `${HEAD}\r\n`.slice(0, -2)],
    ['a chunk cut short', `${HEAD}Transfer-Encoding: chunked\r\n\r\n10\r\nabc`],
    ['a missing last chunk', `${HEAD}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n`],
    ['fewer bytes than Content-Length', `${HEAD}Content-Length: 10\r\n\r\nabc`],
  ])('reports %s as cut short once the connection has ended', (_label, wire) => {
    expect(parseHttpResponse(b(wire), false)).toBeUndefined();
    expect(() => parseHttpResponse(b(wire), true)).toThrow('connection closed before the answer was complete');
  });

  it.each([
    ['a non-HTTP status line', 'SSH-2.0-OpenSSH\r\n\r\n', 'not an HTTP/1.1 response'],
    ['HTTP/2', 'HTTP/2 200\r\n\r\n', 'not an HTTP/1.1 response'],
    ['a header without colon', 'HTTP/1.1 200 OK\r\nbogus\r\n\r\n', 'malformed header line'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'malformed content-length'],
    ['another transfer-encoding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', 'unsupported transfer-encoding'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'malformed chunk size'],
  ])('rejects %s', (_label, wire, message) => {
    expect(() => parseHttpResponse(b(wire), false)).toThrow(message);
  });
});
