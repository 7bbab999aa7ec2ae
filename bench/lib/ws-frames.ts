/**
 * Just enough RFC 6455 for the WebSocket benchmark: the handshake's accept key, binary frames a client sends
 * (masked, encoded once and reused: the proxies under test only relay the bytes, they never check that the mask
 * changes), and a streaming parser for frames in either direction. No extensions (no permessage-deflate), so a
 * frame's bytes on the wire are the message plus 2–8 bytes of header.
 */
import { createHash, randomBytes } from 'node:crypto';

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

export function newKey(): string {
  return randomBytes(16).toString('base64');
}

export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

/** One final frame: masked (client to server) when `mask` is given, else plain (server to client). */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const len = payload.length;
  const ext = len < 126 ? 0 : len < 65536 ? 2 : 8;
  const head = 2 + ext + (mask ? 4 : 0);
  const out = Buffer.allocUnsafe(head + len);
  out[0] = 0x80 | opcode;
  out[1] = (mask ? 0x80 : 0) | (ext === 0 ? len : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(len, 2);
  else if (ext === 8) out.writeBigUInt64BE(BigInt(len), 2);
  if (mask) {
    mask.copy(out, 2 + ext);
    for (let i = 0; i < len; i++) out[head + i] = payload[i]! ^ mask[i & 3]!;
  } else payload.copy(out, head);
  return out;
}

/**
 * The size of the frame header at `at` (2, 4 or 10 bytes, the mask not counted) and its payload length, RFC 6455
 * §5.2; null while the header is not all there yet. The length of a 64-bit frame may be far over any sane limit:
 * callers compare it with theirs.
 */
export function frameLength(data: Buffer, at: number): { readonly head: number; readonly len: number } | null {
  if (data.length - at < 2) return null;
  const len = data[at + 1]! & 0x7f;
  if (len === 126) return data.length - at < 4 ? null : { head: 4, len: data.readUInt16BE(at + 2) };
  if (len === 127) return data.length - at < 10 ? null : { head: 10, len: Number(data.readBigUInt64BE(at + 2)) };
  return { head: 2, len };
}

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  /** Unmasked payload. */
  readonly payload: Buffer;
}

/**
 * Frames out of a byte stream, in either direction. `push` returns the complete frames so far and keeps the rest;
 * a frame bigger than `maxPayload` or with reserved bits set is a protocol error (thrown).
 */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxPayload = 1 << 20) {}

  push(chunk: Buffer): Frame[] {
    const data = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Frame[] = [];
    let at = 0;
    for (;;) {
      const h = frameLength(data, at);
      if (h === null) break;
      const { head, len } = h;
      const b0 = data[at]!;
      const b1 = data[at + 1]!;
      if (b0 & 0x70) throw new Error('WebSocket frame with reserved bits set (no extension was negotiated)');
      if (len > this.maxPayload) throw new Error(`WebSocket frame of ${len} bytes is over the ${this.maxPayload} limit`);
      const masked = (b1 & 0x80) !== 0;
      const total = head + (masked ? 4 : 0) + len;
      if (data.length - at < total) break;
      const start = at + head + (masked ? 4 : 0);
      let payload: Buffer;
      if (masked) {
        payload = Buffer.allocUnsafe(len);
        const m = at + head;
        for (let i = 0; i < len; i++) payload[i] = data[start + i]! ^ data[m + (i & 3)]!;
      } else payload = Buffer.from(data.subarray(start, start + len));
      frames.push({ fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload });
      at += total;
    }
    this.buf = at === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(at));
    return frames;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }
}

/** The HTTP/1.1 upgrade request a browser sends (minus the cookies). */
export function upgradeRequest(host: string, path: string, key: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: apx-bench\r\n\r\n`
  );
}

/**
 * Check the head of the server's answer to `upgradeRequest`: 101 with the right accept key. Returns the problem
 * in words, or '' when the tunnel is open.
 */
export function checkUpgradeResponse(head: string, key: string): string {
  const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
  if (status !== '101') return `answered ${status ?? JSON.stringify(head.slice(0, 40))} instead of 101`;
  const accept = /^sec-websocket-accept:\s*(\S+)\s*$/im.exec(head)?.[1];
  if (accept !== acceptKey(key)) return `wrong Sec-WebSocket-Accept ${accept ?? '(none)'}`;
  return '';
}
