// wt-fallback browser client: WebTransport-style sessions with a fallback chain
//   native WebTransport -> QMux over WebSocket -> QMux over SSE+POST.
//
// One ES module, no dependencies. The QMux engine (draft-ietf-quic-qmux-02 and
// -01 wire format) is written for this project; it runs on any "record
// transport" (a WebSocket, or the SSE+POST pair) and can take either role.
//
// Layout of this file:
//   1. varints and byte helpers          5. the QMux session engine
//   2. frame codec                       6. record transports (WebSocket, SSE+POST)
//   3. transport parameters              7. the fallback chain (FallbackTransport, connect)
//   4. errors (WebTransportError, ...)

export const VERSION = "0.1.0-SNAPSHOT";

// ---------------------------------------------------------------------------
// 1. Varints (RFC 9000 section 16) and byte helpers
// ---------------------------------------------------------------------------

const MAX_VARINT = (1n << 62n) - 1n;
const TWO_32 = 2 ** 32;

/** Number of bytes the varint encoding of `v` (number or bigint) takes. */
export function varintLength(v) {
  if (typeof v === "bigint") {
    if (v < 0n || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
    if (v < 0x40n) return 1;
    if (v < 0x4000n) return 2;
    if (v < 0x40000000n) return 4;
    return 8;
  }
  if (!Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`varint out of range: ${v}`);
  }
  if (v < 0x40) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x40000000) return 4;
  return 8;
}

/** Writes `v` at `buf[pos]`; returns the position after it. */
export function writeVarint(buf, pos, v) {
  const n = varintLength(v);
  if (typeof v === "bigint") {
    if (n < 8) v = Number(v);
    else {
      const hi = Number(v >> 32n);
      const lo = Number(v & 0xffffffffn);
      return write8(buf, pos, hi, lo);
    }
  }
  switch (n) {
    case 1:
      buf[pos] = v;
      return pos + 1;
    case 2:
      buf[pos] = 0x40 | (v >> 8);
      buf[pos + 1] = v & 0xff;
      return pos + 2;
    case 4:
      buf[pos] = 0x80 | (v >>> 24);
      buf[pos + 1] = (v >>> 16) & 0xff;
      buf[pos + 2] = (v >>> 8) & 0xff;
      buf[pos + 3] = v & 0xff;
      return pos + 4;
    default:
      return write8(buf, pos, Math.floor(v / TWO_32), v % TWO_32);
  }
}

function write8(buf, pos, hi, lo) {
  buf[pos] = 0xc0 | ((hi >>> 24) & 0x3f);
  buf[pos + 1] = (hi >>> 16) & 0xff;
  buf[pos + 2] = (hi >>> 8) & 0xff;
  buf[pos + 3] = hi & 0xff;
  buf[pos + 4] = (lo >>> 24) & 0xff;
  buf[pos + 5] = (lo >>> 16) & 0xff;
  buf[pos + 6] = (lo >>> 8) & 0xff;
  buf[pos + 7] = lo & 0xff;
  return pos + 8;
}

/** Encodes one varint into a new Uint8Array. */
export function encodeVarint(v) {
  const out = new Uint8Array(varintLength(v));
  writeVarint(out, 0, v);
  return out;
}

/**
 * Decodes one varint at `pos`. Returns `{ value, length }`; `value` is a number
 * when it fits in 2^53 - 1 and a bigint otherwise. Throws FrameEncodingError
 * when the input is truncated.
 */
export function decodeVarint(buf, pos = 0) {
  const r = new Reader(buf);
  r.pos = pos;
  const value = r.varint();
  return { value, length: r.pos - pos };
}

class Reader {
  constructor(bytes) {
    this.buf = bytes;
    this.pos = 0;
  }

  get remaining() {
    return this.buf.length - this.pos;
  }

  /** A varint as number, or bigint when above 2^53 - 1. */
  varint() {
    const buf = this.buf;
    const pos = this.pos;
    if (pos >= buf.length) throw new QmuxError(ERR.FRAME_ENCODING_ERROR, "truncated varint");
    const b0 = buf[pos];
    const n = 1 << (b0 >> 6);
    if (pos + n > buf.length) throw new QmuxError(ERR.FRAME_ENCODING_ERROR, "truncated varint");
    this.pos = pos + n;
    switch (n) {
      case 1:
        return b0 & 0x3f;
      case 2:
        return ((b0 & 0x3f) << 8) | buf[pos + 1];
      case 4:
        return (b0 & 0x3f) * 0x1000000 + ((buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]);
      default: {
        const hi = (b0 & 0x3f) * 0x1000000 + ((buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]);
        const lo = buf[pos + 4] * 0x1000000 + ((buf[pos + 5] << 16) | (buf[pos + 6] << 8) | buf[pos + 7]);
        if (hi < 0x200000) return hi * TWO_32 + lo;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
    }
  }

  /** A varint as a number (values above 2^53 lose precision; callers compare them to limits). */
  uint() {
    const v = this.varint();
    return typeof v === "bigint" ? Number(v) : v;
  }

  bytes(n) {
    if (n > this.remaining) throw new QmuxError(ERR.FRAME_ENCODING_ERROR, "truncated frame");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  rest() {
    return this.bytes(this.remaining);
  }
}

/** Growable byte writer. */
class Writer {
  constructor(capacity = 64) {
    this.buf = new Uint8Array(capacity);
    this.pos = 0;
  }

  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  varint(v) {
    this.ensure(8);
    this.pos = writeVarint(this.buf, this.pos, v);
    return this;
  }

  bytes(b) {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  finish() {
    return this.buf.slice(0, this.pos);
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** UTF-8 bytes of `text`, cut at a character boundary to at most `max` bytes. */
function utf8Truncate(text, max) {
  let bytes = textEncoder.encode(String(text ?? ""));
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && chunk instanceof SharedArrayBuffer)) {
    return new Uint8Array(chunk);
  }
  throw new TypeError("chunk must be an ArrayBuffer or ArrayBufferView");
}

// ---------------------------------------------------------------------------
// 2. Frame codec
// ---------------------------------------------------------------------------

/** Frame type numbers (QUIC v1 numbering plus the QMux extensions). */
export const FrameType = Object.freeze({
  PADDING: 0x00,
  PING: 0x01,
  RESET_STREAM: 0x04,
  STOP_SENDING: 0x05,
  STREAM: 0x08, // 0x08-0x0f; bits OFF 0x04, LEN 0x02, FIN 0x01
  MAX_DATA: 0x10,
  MAX_STREAM_DATA: 0x11,
  MAX_STREAMS_BIDI: 0x12,
  MAX_STREAMS_UNI: 0x13,
  DATA_BLOCKED: 0x14,
  STREAM_DATA_BLOCKED: 0x15,
  STREAMS_BLOCKED_BIDI: 0x16,
  STREAMS_BLOCKED_UNI: 0x17,
  CONNECTION_CLOSE: 0x1c,
  APPLICATION_CLOSE: 0x1d,
  DATAGRAM: 0x30,
  DATAGRAM_LEN: 0x31,
  QX_TRANSPORT_PARAMETERS: 0x3f5153300d0a0d0an,
  QX_PING_REQUEST: 0x348c67529ef8c7bdn,
  QX_PING_RESPONSE: 0x348c67529ef8c7ben,
});

/** QUIC transport error codes used by QMux (RFC 9000 section 20.1). */
export const ErrorCode = Object.freeze({
  NO_ERROR: 0x00,
  INTERNAL_ERROR: 0x01,
  FLOW_CONTROL_ERROR: 0x03,
  STREAM_LIMIT_ERROR: 0x04,
  STREAM_STATE_ERROR: 0x05,
  FINAL_SIZE_ERROR: 0x06,
  FRAME_ENCODING_ERROR: 0x07,
  TRANSPORT_PARAMETER_ERROR: 0x08,
  PROTOCOL_VIOLATION: 0x0a,
});
const ERR = ErrorCode;

/** Largest STREAM payload we put in one frame. */
export const MAX_STREAM_PAYLOAD = 16352;
/** Default and minimum max_record_size. */
export const DEFAULT_MAX_RECORD_SIZE = 16382;
const MAX_CLOSE_REASON_BYTES = 1024;
const MAX_STREAMS_LIMIT = 1n << 60n;

/**
 * Encodes one frame object (the shape decodeFrame returns) into bytes.
 * STREAM frames are always written with the OFF and LEN bits (types 0x0e/0x0f).
 */
export function encodeFrame(f) {
  const w = new Writer(32 + (f.data ? f.data.length : 0));
  switch (f.type) {
    case "padding":
      w.bytes(new Uint8Array(f.length ?? 1));
      break;
    case "ping":
      w.varint(FrameType.PING);
      break;
    case "stream":
      w.varint(0x0e | (f.fin ? 1 : 0)).varint(f.id).varint(f.offset ?? 0).varint(f.data.length).bytes(f.data);
      break;
    case "reset_stream":
      w.varint(FrameType.RESET_STREAM).varint(f.id).varint(f.code).varint(f.finalSize);
      break;
    case "stop_sending":
      w.varint(FrameType.STOP_SENDING).varint(f.id).varint(f.code);
      break;
    case "max_data":
      w.varint(FrameType.MAX_DATA).varint(f.max);
      break;
    case "max_stream_data":
      w.varint(FrameType.MAX_STREAM_DATA).varint(f.id).varint(f.max);
      break;
    case "max_streams":
      w.varint(f.bidi ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI).varint(f.max);
      break;
    case "data_blocked":
      w.varint(FrameType.DATA_BLOCKED).varint(f.limit);
      break;
    case "stream_data_blocked":
      w.varint(FrameType.STREAM_DATA_BLOCKED).varint(f.id).varint(f.limit);
      break;
    case "streams_blocked":
      w.varint(f.bidi ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI).varint(f.limit);
      break;
    case "connection_close": {
      const reason = utf8Truncate(f.reason, MAX_CLOSE_REASON_BYTES);
      w.varint(FrameType.CONNECTION_CLOSE).varint(f.code).varint(f.frameType ?? 0).varint(reason.length).bytes(reason);
      break;
    }
    case "application_close": {
      const reason = utf8Truncate(f.reason, MAX_CLOSE_REASON_BYTES);
      w.varint(FrameType.APPLICATION_CLOSE).varint(f.code).varint(reason.length).bytes(reason);
      break;
    }
    case "datagram":
      w.varint(FrameType.DATAGRAM_LEN).varint(f.data.length).bytes(f.data);
      break;
    case "transport_parameters": {
      const payload = encodeTransportParameters(f.params);
      w.varint(FrameType.QX_TRANSPORT_PARAMETERS).varint(payload.length).bytes(payload);
      break;
    }
    case "ping_request":
      w.varint(FrameType.QX_PING_REQUEST).varint(f.sequence);
      break;
    case "ping_response":
      w.varint(FrameType.QX_PING_RESPONSE).varint(f.sequence);
      break;
    default:
      throw new TypeError(`unknown frame type ${f.type}`);
  }
  return w.finish();
}

/** Decodes the frame at the reader's position. Unknown types throw FRAME_ENCODING_ERROR. */
function decodeFrame(r) {
  const type = r.varint();
  if (typeof type === "bigint") {
    if (type === FrameType.QX_TRANSPORT_PARAMETERS) {
      const len = r.uint();
      return { type: "transport_parameters", params: decodeTransportParameters(r.bytes(len)) };
    }
    if (type === FrameType.QX_PING_REQUEST) return { type: "ping_request", sequence: r.varint() };
    if (type === FrameType.QX_PING_RESPONSE) return { type: "ping_response", sequence: r.varint() };
    throw new QmuxError(ERR.FRAME_ENCODING_ERROR, `unknown frame type 0x${type.toString(16)}`, 0);
  }
  if (type >= 0x08 && type <= 0x0f) {
    const id = r.uint();
    const offset = type & 0x04 ? r.uint() : 0;
    const data = type & 0x02 ? r.bytes(r.uint()) : r.rest();
    return { type: "stream", frameType: type, id, offset, data, fin: (type & 0x01) !== 0 };
  }
  switch (type) {
    case FrameType.PADDING: {
      let n = 1;
      while (r.remaining > 0 && r.buf[r.pos] === 0) {
        r.pos++;
        n++;
      }
      return { type: "padding", length: n };
    }
    case FrameType.PING:
      return { type: "ping" };
    case FrameType.RESET_STREAM:
      return { type: "reset_stream", frameType: type, id: r.uint(), code: r.uint(), finalSize: r.uint() };
    case FrameType.STOP_SENDING:
      return { type: "stop_sending", frameType: type, id: r.uint(), code: r.uint() };
    case FrameType.MAX_DATA:
      return { type: "max_data", frameType: type, max: r.uint() };
    case FrameType.MAX_STREAM_DATA:
      return { type: "max_stream_data", frameType: type, id: r.uint(), max: r.uint() };
    case FrameType.MAX_STREAMS_BIDI:
    case FrameType.MAX_STREAMS_UNI: {
      const raw = r.varint();
      if (typeof raw === "bigint" && raw > MAX_STREAMS_LIMIT) throw new QmuxError(ERR.FRAME_ENCODING_ERROR, "MAX_STREAMS above 2^60", type);
      return { type: "max_streams", frameType: type, bidi: type === FrameType.MAX_STREAMS_BIDI, max: Number(raw) };
    }
    case FrameType.DATA_BLOCKED:
      return { type: "data_blocked", frameType: type, limit: r.uint() };
    case FrameType.STREAM_DATA_BLOCKED:
      return { type: "stream_data_blocked", frameType: type, id: r.uint(), limit: r.uint() };
    case FrameType.STREAMS_BLOCKED_BIDI:
    case FrameType.STREAMS_BLOCKED_UNI:
      return { type: "streams_blocked", frameType: type, bidi: type === FrameType.STREAMS_BLOCKED_BIDI, limit: r.uint() };
    case FrameType.CONNECTION_CLOSE: {
      const code = r.uint();
      const frameType = r.varint();
      const reason = textDecoder.decode(r.bytes(r.uint()));
      return { type: "connection_close", code, frameType, reason };
    }
    case FrameType.APPLICATION_CLOSE: {
      const code = r.uint();
      const reason = textDecoder.decode(r.bytes(r.uint()));
      return { type: "application_close", code, reason };
    }
    case FrameType.DATAGRAM:
      return { type: "datagram", frameType: type, data: r.rest() };
    case FrameType.DATAGRAM_LEN:
      return { type: "datagram", frameType: type, data: r.bytes(r.uint()) };
    default:
      throw new QmuxError(ERR.FRAME_ENCODING_ERROR, `unknown frame type 0x${type.toString(16)}`, type);
  }
}

/** Decodes every frame of one record. */
export function decodeRecord(record) {
  const r = new Reader(toBytes(record));
  const frames = [];
  while (r.remaining > 0) frames.push(decodeFrame(r));
  return frames;
}

/** Concatenates encoded frames into one record. */
export function encodeRecord(frames) {
  const parts = frames.map((f) => (f instanceof Uint8Array ? f : encodeFrame(f)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// 3. Transport parameters
// ---------------------------------------------------------------------------

/** Transport parameter ids. */
export const TransportParameterId = Object.freeze({
  MAX_IDLE_TIMEOUT: 0x01,
  INITIAL_MAX_DATA: 0x04,
  INITIAL_MAX_STREAM_DATA_BIDI_LOCAL: 0x05,
  INITIAL_MAX_STREAM_DATA_BIDI_REMOTE: 0x06,
  INITIAL_MAX_STREAM_DATA_UNI: 0x07,
  INITIAL_MAX_STREAMS_BIDI: 0x08,
  INITIAL_MAX_STREAMS_UNI: 0x09,
  RESET_STREAM_AT: 0x1d,
  MAX_DATAGRAM_FRAME_SIZE: 0x20,
  MAX_RECORD_SIZE: 0x0571c59429cd0845n,
});
const TPID = TransportParameterId;

const TP_FIELDS = [
  [TPID.MAX_IDLE_TIMEOUT, "maxIdleTimeout"],
  [TPID.INITIAL_MAX_DATA, "initialMaxData"],
  [TPID.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, "initialMaxStreamDataBidiLocal"],
  [TPID.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, "initialMaxStreamDataBidiRemote"],
  [TPID.INITIAL_MAX_STREAM_DATA_UNI, "initialMaxStreamDataUni"],
  [TPID.INITIAL_MAX_STREAMS_BIDI, "initialMaxStreamsBidi"],
  [TPID.INITIAL_MAX_STREAMS_UNI, "initialMaxStreamsUni"],
  [TPID.MAX_DATAGRAM_FRAME_SIZE, "maxDatagramFrameSize"],
  [TPID.MAX_RECORD_SIZE, "maxRecordSize"],
];

/** Values a peer that leaves a parameter out is taken to have sent. */
export const ABSENT_TRANSPORT_PARAMETERS = Object.freeze({
  maxIdleTimeout: 0,
  initialMaxData: 0,
  initialMaxStreamDataBidiLocal: 0,
  initialMaxStreamDataBidiRemote: 0,
  initialMaxStreamDataUni: 0,
  initialMaxStreamsBidi: 0,
  initialMaxStreamsUni: 0,
  maxDatagramFrameSize: 0,
  maxRecordSize: DEFAULT_MAX_RECORD_SIZE,
  resetStreamAt: false,
});

/** What this client advertises unless told otherwise. */
export const DEFAULT_TRANSPORT_PARAMETERS = Object.freeze({
  maxIdleTimeout: 30000,
  initialMaxData: 1048576,
  initialMaxStreamDataBidiLocal: 262144,
  initialMaxStreamDataBidiRemote: 262144,
  initialMaxStreamDataUni: 262144,
  initialMaxStreamsBidi: 100,
  initialMaxStreamsUni: 100,
  maxDatagramFrameSize: DEFAULT_MAX_RECORD_SIZE,
  maxRecordSize: DEFAULT_MAX_RECORD_SIZE,
  resetStreamAt: false,
});

/** Encodes the parameter payload (without the frame type and length). */
export function encodeTransportParameters(params) {
  const p = { ...ABSENT_TRANSPORT_PARAMETERS, ...params };
  const w = new Writer(96);
  for (const [id, key] of TP_FIELDS) {
    const value = p[key];
    // Zero/default values are the same as absent; record size is only sent when it differs.
    if (key === "maxRecordSize" ? value === DEFAULT_MAX_RECORD_SIZE : value === 0) continue;
    w.varint(id).varint(varintLength(value)).varint(value);
  }
  if (p.resetStreamAt) w.varint(TPID.RESET_STREAM_AT).varint(0);
  return w.finish();
}

/**
 * Decodes and validates a parameter payload. Throws TRANSPORT_PARAMETER_ERROR on
 * QUIC-only ids (0x00, 0x02, 0x03, 0x0a-0x10), repeated ids, malformed values,
 * max streams above 2^60, or a max_record_size below 16382. Unknown ids are ignored.
 */
export function decodeTransportParameters(bytes) {
  const r = new Reader(toBytes(bytes));
  const out = { ...ABSENT_TRANSPORT_PARAMETERS };
  const seen = new Set();
  const fields = new Map(TP_FIELDS.map(([id, key]) => [String(id), key]));
  const fail = (msg) => {
    throw new QmuxError(ERR.TRANSPORT_PARAMETER_ERROR, msg, FrameType.QX_TRANSPORT_PARAMETERS);
  };
  while (r.remaining > 0) {
    let id, value;
    try {
      id = r.varint();
      value = r.bytes(r.uint());
    } catch {
      fail("truncated transport parameter");
    }
    const key = String(id);
    if (seen.has(key)) fail(`repeated transport parameter 0x${id.toString(16)}`);
    seen.add(key);
    if (typeof id === "number" && (id === 0x00 || id === 0x02 || id === 0x03 || (id >= 0x0a && id <= 0x10))) {
      fail(`transport parameter 0x${id.toString(16)} is not allowed in QMux`);
    }
    if (id === TPID.RESET_STREAM_AT) {
      if (value.length !== 0) fail("reset_stream_at must be empty");
      out.resetStreamAt = true;
      continue;
    }
    const field = fields.get(key);
    if (!field) continue; // unknown: ignored
    const vr = new Reader(value);
    let raw;
    try {
      raw = vr.varint();
    } catch {
      fail(`malformed value of transport parameter ${field}`);
    }
    if (vr.remaining !== 0) fail(`malformed value of transport parameter ${field}`);
    const v = Number(raw);
    if ((field === "initialMaxStreamsBidi" || field === "initialMaxStreamsUni") && typeof raw === "bigint" && raw > MAX_STREAMS_LIMIT) {
      fail(`${field} above 2^60`);
    }
    if (field === "maxRecordSize" && v < DEFAULT_MAX_RECORD_SIZE) fail(`max_record_size ${v} below ${DEFAULT_MAX_RECORD_SIZE}`);
    out[field] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------
// 4. Errors
// ---------------------------------------------------------------------------

const DOMExceptionBase = typeof DOMException === "function" ? DOMException : Error;

/**
 * Same shape as the W3C WebTransportError: `source` is "stream" or "session",
 * `streamErrorCode` the application code of a reset/stop (or null).
 */
export class WebTransportError extends DOMExceptionBase {
  constructor(message = "", init = {}) {
    super(message, "WebTransportError");
    if (this.name !== "WebTransportError") {
      Object.defineProperty(this, "name", { value: "WebTransportError", configurable: true });
    }
    this.source = init.source === "session" ? "session" : "stream";
    this.streamErrorCode = init.streamErrorCode ?? null;
  }
}

/** A QMux connection-level error: the code goes into CONNECTION_CLOSE. */
export class QmuxError extends Error {
  constructor(code, message, frameType = 0) {
    super(message);
    this.name = "QmuxError";
    this.code = code;
    this.frameType = frameType;
  }
}

function sessionError(message, extra) {
  const e = new WebTransportError(message, { source: "session" });
  if (extra) Object.assign(e, extra);
  return e;
}

/** The application code carried by an abort/cancel reason: its streamErrorCode, else 0. */
function streamCodeOf(reason) {
  const c = reason !== null && typeof reason === "object" ? reason.streamErrorCode : undefined;
  return Number.isInteger(c) && c >= 0 && c <= 0xffffffff ? c : 0;
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function handled(promise) {
  promise.catch(() => {});
  return promise;
}

// ---------------------------------------------------------------------------
// 5. The QMux session engine
// ---------------------------------------------------------------------------

// Readable byte streams (BYOB readers) where the runtime has them; plain streams otherwise.
const BYTE_STREAMS = (() => {
  try {
    new ReadableStream({ type: "bytes" });
    return true;
  } catch {
    return false;
  }
})();

const HIGH_WATER_BUFFERED = 512 * 1024; // stop producing records while the transport holds this much
const MAX_OUT_RECORD = 65536; // never build records larger than this, whatever the peer allows
const DATAGRAM_QUEUE = 1024;

/** One stream's state, both halves. */
class QStream {
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.bidi = (id & 2) === 0;
    this.local = session.isLocalId(id);
    this.canSend = this.bidi || this.local;
    this.canRecv = this.bidi || !this.local;
    // send half
    this.sendOffset = 0;
    this.sendMax = 0;
    this.pending = []; // { data, pos, resolve, reject }
    this.pendingBytes = 0;
    this.finQueued = false;
    this.finWaiter = null;
    this.sendDone = !this.canSend; // FIN or RESET sent, or no send half
    this.writable = null;
    this.writableController = null;
    // receive half
    this.recvEnd = 0; // highest offset received
    this.recvDelivered = 0; // bytes handed to the app (or discarded)
    this.recvMax = 0; // credit we advertised
    this.recvWindow = 0;
    this.finalSize = null;
    this.chunks = [];
    this.buffered = 0; // bytes in chunks
    this.wantData = false; // a read is waiting
    this.recvDone = !this.canRecv; // FIN delivered, reset received, or cancelled and final size known
    this.recvState = this.canRecv ? "recv" : "none"; // recv | reset | cancelled | done
    this.readable = null;
    this.readableController = null;
    this.pullWaiter = null;
    this.creditDirty = false;
    this.accepted = this.local; // peer streams count once the app took them
  }
}

/**
 * A QMux session over one record transport. `role` is "client" or "server".
 * The transport object: send(record: Uint8Array), close(), bufferedAmount; it
 * calls session.receiveRecord(bytes), session.transportClosed(error?) and,
 * optionally, session.drained().
 */
export class QmuxSession {
  constructor(options = {}) {
    this.role = options.role === "server" ? "server" : "client";
    this.isClient = this.role === "client";
    this.version = options.version ?? "qmux-02";
    this.protocol = options.protocol ?? "";
    this.transportName = options.transportName ?? "websocket";
    this.local = { ...DEFAULT_TRANSPORT_PARAMETERS, ...(options.transportParameters ?? {}) };
    if (this.local.maxRecordSize < DEFAULT_MAX_RECORD_SIZE) this.local.maxRecordSize = DEFAULT_MAX_RECORD_SIZE;
    this.peer = null;
    this.transport = null;
    this.state = "connecting"; // connecting | open | closed
    this.streams = new Map();
    this.nextLocal = { bidi: 0, uni: 0 };
    this.localLimit = { bidi: 0, uni: 0 };
    this.streamWaiters = { bidi: [], uni: [] };
    this.peerOpened = { bidi: 0, uni: 0 };
    this.peerLimit = { bidi: this.local.initialMaxStreamsBidi, uni: this.local.initialMaxStreamsUni };
    this.peerLimitSent = { ...this.peerLimit };
    this.sendMax = 0;
    this.sendTotal = 0;
    this.recvMax = this.local.initialMaxData;
    this.recvTotal = 0;
    this.recvConsumed = 0;
    this.maxDataDirty = false;
    this.control = []; // encoded frames sent before any data
    this.creditDirty = new Set();
    this.sendable = new Set();
    this.datagramsOut = [];
    this.datagramsIn = [];
    this.datagramInWaiter = null;
    this.datagramHighWater = options.datagramQueueLimit ?? DATAGRAM_QUEUE;
    this.incoming = { bidi: [], uni: [] };
    this.incomingWaiter = { bidi: null, uni: null };
    this.incomingRefused = { bidi: false, uni: false };
    this.flushScheduled = false;
    this.drainTimer = null;
    this.lastRecvAt = Date.now();
    this.lastPingAt = 0;
    this.nextPingSeq = 0;
    this.lastPeerPing = -1;
    this.idleTimer = null;
    this.idleTimeoutMs = 0;
    this.closeInfo = null;
    this.stats = {
      bytesSent: 0,
      bytesReceived: 0,
      recordsSent: 0,
      recordsReceived: 0,
      datagramsDroppedIncoming: 0,
      datagramsDroppedOutgoing: 0,
      pingsSent: 0,
    };
    this.onEvent = options.onEvent ?? null;

    this._ready = deferred();
    this._closed = deferred();
    handled(this._ready.promise);
    handled(this._closed.promise);
    this.ready = this._ready.promise;
    this.closed = this._closed.promise;

    this.incomingBidirectionalStreams = this._makeIncoming("bidi");
    this.incomingUnidirectionalStreams = this._makeIncoming("uni");
    this.datagrams = this._makeDatagrams();
  }

  // --- helpers -------------------------------------------------------------

  isLocalId(id) {
    return (id & 1) === (this.isClient ? 0 : 1);
  }

  _localId(kind, index) {
    return index * 4 + (kind === "uni" ? 2 : 0) + (this.isClient ? 0 : 1);
  }

  _emit(type, detail) {
    if (this.onEvent) {
      try {
        this.onEvent(type, detail);
      } catch {
        // observers must not break the session
      }
    }
  }

  get maxDatagramSize() {
    if (!this.peer || this.peer.maxDatagramFrameSize === 0) return 0;
    const limit = Math.min(this.peer.maxDatagramFrameSize, this._recordLimit());
    let p = limit - 1 - 1;
    while (p > 0 && 1 + varintLength(p) + p > limit) p--;
    return Math.max(p, 0);
  }

  _recordLimit() {
    return Math.min(this.peer ? this.peer.maxRecordSize : DEFAULT_MAX_RECORD_SIZE, MAX_OUT_RECORD);
  }

  // --- lifecycle -----------------------------------------------------------

  /** Binds the record transport and sends our transport parameters at once. */
  attach(transport) {
    this.transport = transport;
    this.lastRecvAt = Date.now();
    this.control.push(encodeFrame({ type: "transport_parameters", params: this.local }));
    this._flush();
  }

  _onPeerParameters(params) {
    this.peer = params;
    this.sendMax = params.initialMaxData;
    this.localLimit.bidi = params.initialMaxStreamsBidi;
    this.localLimit.uni = params.initialMaxStreamsUni;
    // Streams created before the parameters arrived get their credit now.
    for (const s of this.streams.values()) {
      if (s.canSend) s.sendMax = Math.max(s.sendMax, this._initialSendMax(s));
    }
    const a = this.local.maxIdleTimeout;
    const b = params.maxIdleTimeout;
    this.idleTimeoutMs = a && b ? Math.min(a, b) : a || b;
    if (this.idleTimeoutMs > 0) {
      const tick = Math.max(10, Math.floor(this.idleTimeoutMs / 6));
      this.idleTimer = setInterval(() => this._idleTick(), tick);
    }
    this.state = "open";
    this._wakeStreamWaiters("bidi");
    this._wakeStreamWaiters("uni");
    this._ready.resolve();
    this._emit("ready", { peer: params });
  }

  _initialSendMax(s) {
    if (!this.peer) return 0;
    if (!s.bidi) return this.peer.initialMaxStreamDataUni;
    // the peer's "bidi_remote" applies to streams we opened, "bidi_local" to streams it opened
    return s.local ? this.peer.initialMaxStreamDataBidiRemote : this.peer.initialMaxStreamDataBidiLocal;
  }

  _initialRecvWindow(s) {
    if (!s.bidi) return this.local.initialMaxStreamDataUni;
    return s.local ? this.local.initialMaxStreamDataBidiLocal : this.local.initialMaxStreamDataBidiRemote;
  }

  _idleTick() {
    if (this.state === "closed") return;
    const now = Date.now();
    const idle = now - this.lastRecvAt;
    if (idle > this.idleTimeoutMs) {
      this._fail(new QmuxError(ERR.NO_ERROR, `idle timeout (${this.idleTimeoutMs} ms without a record)`), "idle timeout");
      return;
    }
    const third = this.idleTimeoutMs / 3;
    if (idle >= third && now - this.lastPingAt >= third) {
      this.lastPingAt = now;
      this.stats.pingsSent++;
      this.control.push(encodeFrame({ type: "ping_request", sequence: this.nextPingSeq++ }));
      this._scheduleFlush();
    }
  }

  /** Graceful close: APPLICATION_CLOSE, then the transport closes; `closed` fulfils. */
  close(info = {}) {
    if (this.state === "closed") return;
    let closeCode = info?.closeCode ?? 0;
    if (!Number.isInteger(closeCode) || closeCode < 0 || closeCode > 0xffffffff) closeCode = 0;
    const reasonBytes = utf8Truncate(info?.reason ?? "", MAX_CLOSE_REASON_BYTES);
    const reason = textDecoder.decode(reasonBytes);
    this._sendFinal(encodeFrame({ type: "application_close", code: closeCode, reason }));
    this._finish({ closeCode, reason }, null);
  }

  /** Closes because of a local error: CONNECTION_CLOSE with the error's code; `closed` rejects. */
  _fail(err, why) {
    if (this.state === "closed") return;
    const code = err instanceof QmuxError ? err.code : ERR.INTERNAL_ERROR;
    const frameType = err instanceof QmuxError && (typeof err.frameType === "number" || typeof err.frameType === "bigint") ? err.frameType : 0;
    this._sendFinal(encodeFrame({ type: "connection_close", code, frameType, reason: err.message }));
    this._finish(null, sessionError(`${why ?? "protocol error"}: ${err.message}`, { transportErrorCode: code }));
  }

  /** Teardown without a close frame (failed handshake step). */
  abort(message = "aborted") {
    if (this.state === "closed") return;
    try {
      this.transport?.close();
    } catch {
      // already closed
    }
    this._finish(null, sessionError(message));
  }

  _sendFinal(frame) {
    const t = this.transport;
    if (!t) return;
    // Control frames still queued (credit, ping answers) go first; stream data does not.
    try {
      const parts = [...this.control, frame];
      this.control = [];
      t.send(encodeRecord(parts.length > 1 && this._fits(parts) ? parts : [frame]));
      this.stats.recordsSent++;
    } catch {
      // the transport is gone; nothing more to say
    }
    try {
      t.close();
    } catch {
      // ignore
    }
  }

  _fits(parts) {
    return parts.reduce((n, p) => n + p.length, 0) <= this._recordLimit();
  }

  /** The record transport ended (with or without an error). */
  transportClosed(detail) {
    if (this.state === "closed") return;
    const msg = typeof detail === "string" ? detail : detail?.message ?? "transport closed";
    this._finish(null, sessionError(`${this.transportName} transport closed without a close frame: ${msg}`));
  }

  _finish(closeInfo, error) {
    if (this.state === "closed") return;
    const wasReady = this.state === "open";
    this.state = "closed";
    this.closeInfo = closeInfo;
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.idleTimer = this.drainTimer = null;
    const streamErr = error ?? sessionError(`session closed (code ${closeInfo.closeCode})`);
    for (const s of this.streams.values()) this._terminateStream(s, streamErr);
    this.streams.clear();
    this.sendable.clear();
    for (const kind of ["bidi", "uni"]) {
      for (const w of this.streamWaiters[kind]) w.reject(streamErr);
      this.streamWaiters[kind] = [];
      for (const s of this.incoming[kind]) this._terminateStream(s, streamErr);
      this.incoming[kind] = [];
      const waiter = this.incomingWaiter[kind];
      this.incomingWaiter[kind] = null;
      if (waiter) waiter(closeInfo ? { done: true } : { error: streamErr });
    }
    for (const d of this.datagramsOut) d.resolve();
    this.datagramsOut = [];
    const dw = this.datagramInWaiter;
    this.datagramInWaiter = null;
    if (dw) dw(closeInfo ? { done: true } : { error: streamErr });
    this._datagramEnd = closeInfo ? { done: true } : { error: streamErr };
    this._incomingEnd = this._datagramEnd;
    if (!wasReady) this._ready.reject(error ?? sessionError("session closed before it was ready"));
    if (closeInfo) this._closed.resolve(closeInfo);
    else this._closed.reject(error);
    this._emit("closed", { closeInfo, error });
    // Make sure the transport goes away too.
    try {
      this.transport?.close();
    } catch {
      // ignore
    }
  }

  _terminateStream(s, err) {
    for (const p of s.pending) p.reject(err);
    s.pending = [];
    if (s.finWaiter) s.finWaiter.reject(err);
    s.finWaiter = null;
    if (s.writableController && !s.sendDone) {
      try {
        s.writableController.error(err);
      } catch {
        // already errored
      }
    }
    s.sendDone = true;
    if (s.readableController && s.recvState !== "done") {
      try {
        s.readableController.error(err);
      } catch {
        // already closed
      }
    }
    s.recvState = "done";
    s.recvDone = true;
    const w = s.pullWaiter;
    s.pullWaiter = null;
    if (w) w();
  }

  // --- receiving -------------------------------------------------------------

  /** One record from the transport. */
  receiveRecord(bytes) {
    if (this.state === "closed") return;
    this.lastRecvAt = Date.now();
    this.stats.recordsReceived++;
    this.stats.bytesReceived += bytes.length;
    if (bytes.length > this.local.maxRecordSize) {
      this._fail(new QmuxError(ERR.PROTOCOL_VIOLATION, `record of ${bytes.length} bytes exceeds max_record_size ${this.local.maxRecordSize}`));
      return;
    }
    const r = new Reader(bytes);
    try {
      while (r.remaining > 0 && this.state !== "closed") this._handleFrame(decodeFrame(r));
    } catch (err) {
      if (err instanceof QmuxError) this._fail(err, "peer violated QMux");
      else this._fail(new QmuxError(ERR.INTERNAL_ERROR, String(err?.message ?? err)), "internal error");
      return;
    }
    this._scheduleFlush();
  }

  /** A WebSocket text message, which QMux does not allow. */
  receiveText() {
    this._fail(new QmuxError(ERR.PROTOCOL_VIOLATION, "text message on a QMux WebSocket"), "peer violated QMux");
  }

  _handleFrame(f) {
    if (!this.peer) {
      if (f.type !== "transport_parameters") {
        throw new QmuxError(ERR.PROTOCOL_VIOLATION, `${f.type} frame before QX_TRANSPORT_PARAMETERS`, f.frameType ?? 0);
      }
      this._onPeerParameters(f.params);
      return;
    }
    switch (f.type) {
      case "transport_parameters":
        throw new QmuxError(ERR.PROTOCOL_VIOLATION, "second QX_TRANSPORT_PARAMETERS", FrameType.QX_TRANSPORT_PARAMETERS);
      case "padding":
      case "ping":
      case "data_blocked":
      case "streams_blocked":
        return;
      case "stream_data_blocked":
        this._peerSendingStream(f.id, f.frameType);
        return;
      case "stream":
        this._onStream(f);
        return;
      case "reset_stream":
        this._onReset(f);
        return;
      case "stop_sending":
        this._onStopSending(f);
        return;
      case "max_data":
        if (f.max > this.sendMax) {
          this.sendMax = f.max;
          this._scheduleFlush();
        }
        return;
      case "max_stream_data": {
        const s = this._peerReceivingStream(f.id, f.frameType);
        if (s && f.max > s.sendMax) {
          s.sendMax = f.max;
          if (s.pendingBytes > 0 || s.finQueued) this.sendable.add(s);
          this._scheduleFlush();
        }
        return;
      }
      case "max_streams": {
        const kind = f.bidi ? "bidi" : "uni";
        if (f.max > this.localLimit[kind]) {
          this.localLimit[kind] = f.max;
          this._wakeStreamWaiters(kind);
        }
        return;
      }
      case "connection_close": {
        const ft = `0x${f.frameType.toString(16)}`;
        const err = sessionError(`peer closed the connection with error 0x${f.code.toString(16)} (frame ${ft}): ${f.reason}`, {
          transportErrorCode: f.code,
        });
        this._closeAfterPeer(null, err);
        return;
      }
      case "application_close":
        this._closeAfterPeer({ closeCode: f.code, reason: f.reason }, null);
        return;
      case "datagram":
        this._onDatagram(f);
        return;
      case "ping_request": {
        const seq = typeof f.sequence === "bigint" ? Number(f.sequence) : f.sequence;
        if (this.version === "qmux-02" && seq <= this.lastPeerPing) {
          throw new QmuxError(ERR.PROTOCOL_VIOLATION, "QX_PING sequence did not increase", FrameType.QX_PING_REQUEST);
        }
        this.lastPeerPing = seq;
        this.control.push(encodeFrame({ type: "ping_response", sequence: f.sequence }));
        return;
      }
      case "ping_response":
        return;
      default:
        throw new QmuxError(ERR.FRAME_ENCODING_ERROR, `unexpected frame ${f.type}`);
    }
  }

  _closeAfterPeer(closeInfo, error) {
    try {
      this.transport?.close();
    } catch {
      // ignore
    }
    this._finish(closeInfo, error);
  }

  /**
   * The stream a frame from the peer's sending half refers to (STREAM, RESET_STREAM,
   * STREAM_DATA_BLOCKED). Opens peer streams as needed; returns null for closed ones.
   */
  _peerSendingStream(id, frameType) {
    if (this.isLocalId(id) && (id & 2) !== 0) {
      throw new QmuxError(ERR.STREAM_STATE_ERROR, `peer sent on our unidirectional stream ${id}`, frameType);
    }
    return this._lookup(id, frameType);
  }

  /** The stream a frame about our sending half refers to (STOP_SENDING, MAX_STREAM_DATA). */
  _peerReceivingStream(id, frameType) {
    if (!this.isLocalId(id) && (id & 2) !== 0) {
      throw new QmuxError(ERR.STREAM_STATE_ERROR, `peer cannot receive on its own unidirectional stream ${id}`, frameType);
    }
    return this._lookup(id, frameType);
  }

  _lookup(id, frameType) {
    const s = this.streams.get(id);
    if (s) return s;
    const kind = (id & 2) === 0 ? "bidi" : "uni";
    const index = Math.floor(id / 4);
    if (this.isLocalId(id)) {
      if (index >= this.nextLocal[kind]) {
        throw new QmuxError(ERR.STREAM_STATE_ERROR, `frame for stream ${id} that we have not opened`, frameType);
      }
      return null; // finished
    }
    if (index < this.peerOpened[kind]) return null; // finished; late frames do not resurrect it
    if (index >= this.peerLimit[kind]) {
      throw new QmuxError(ERR.STREAM_LIMIT_ERROR, `peer opened ${kind} stream ${id} beyond the limit of ${this.peerLimit[kind]}`, frameType);
    }
    let last = null;
    while (this.peerOpened[kind] <= index) {
      const sid = this.peerOpened[kind] * 4 + (kind === "uni" ? 2 : 0) + (this.isClient ? 1 : 0);
      this.peerOpened[kind]++;
      last = this._createStream(sid);
      this._offerIncoming(kind, last);
    }
    return last;
  }

  _createStream(id) {
    const s = new QStream(this, id);
    if (s.canSend) {
      s.sendMax = this._initialSendMax(s);
      this._makeWritable(s);
    }
    if (s.canRecv) {
      s.recvWindow = this._initialRecvWindow(s);
      s.recvMax = s.recvWindow;
      this._makeReadable(s);
    }
    this.streams.set(id, s);
    return s;
  }

  _onStream(f) {
    const s = this._peerSendingStream(f.id, f.frameType);
    if (!s) return;
    const end = f.offset + f.data.length;
    if (s.finalSize !== null && (end > s.finalSize || (f.fin && end !== s.finalSize))) {
      throw new QmuxError(ERR.FINAL_SIZE_ERROR, `stream ${s.id}: data past its final size`, f.frameType);
    }
    if (f.fin && end < s.recvEnd) {
      throw new QmuxError(ERR.FINAL_SIZE_ERROR, `stream ${s.id}: FIN below data already received`, f.frameType);
    }
    if (end > s.recvMax) {
      throw new QmuxError(ERR.FLOW_CONTROL_ERROR, `stream ${s.id}: data up to ${end} past credit ${s.recvMax}`, f.frameType);
    }
    if (f.offset > s.recvEnd) {
      throw new QmuxError(ERR.PROTOCOL_VIOLATION, `stream ${s.id}: gap at offset ${s.recvEnd} (frame at ${f.offset})`, f.frameType);
    }
    if (end > s.recvEnd) {
      this.recvTotal += end - s.recvEnd;
      if (this.recvTotal > this.recvMax) {
        throw new QmuxError(ERR.FLOW_CONTROL_ERROR, `connection data ${this.recvTotal} past credit ${this.recvMax}`, f.frameType);
      }
    }
    if (f.fin) s.finalSize = end;
    if (s.recvState === "reset" || s.recvState === "done") return;
    if (end > s.recvEnd) {
      const fresh = f.data.subarray(f.data.length - (end - s.recvEnd));
      s.recvEnd = end;
      if (s.recvState === "cancelled") this._consume(s, fresh.length);
      else if (fresh.length > 0) {
        s.chunks.push(fresh.slice());
        s.buffered += fresh.length;
      }
    }
    if (s.recvState === "cancelled") {
      if (s.finalSize !== null) this._recvFinished(s);
      return;
    }
    this._deliver(s);
  }

  _onReset(f) {
    const s = this._peerSendingStream(f.id, f.frameType);
    if (!s) return;
    if (s.finalSize !== null && f.finalSize !== s.finalSize) {
      throw new QmuxError(ERR.FINAL_SIZE_ERROR, `stream ${s.id}: reset final size changed`, f.frameType);
    }
    if (f.finalSize < s.recvEnd) {
      throw new QmuxError(ERR.FINAL_SIZE_ERROR, `stream ${s.id}: reset final size below data received`, f.frameType);
    }
    if (f.finalSize > s.recvMax) {
      throw new QmuxError(ERR.FLOW_CONTROL_ERROR, `stream ${s.id}: reset final size past credit`, f.frameType);
    }
    this.recvTotal += f.finalSize - s.recvEnd;
    if (this.recvTotal > this.recvMax) {
      throw new QmuxError(ERR.FLOW_CONTROL_ERROR, `connection data past credit (reset of ${s.id})`, f.frameType);
    }
    s.recvEnd = f.finalSize;
    s.finalSize = f.finalSize;
    if (s.recvState === "reset" || s.recvState === "done") return;
    if (s.recvState === "recv") {
      const err = new WebTransportError(`stream reset by peer with code ${f.code}`, { source: "stream", streamErrorCode: f.code });
      s.chunks = [];
      s.buffered = 0;
      try {
        s.readableController.error(err);
      } catch {
        // closed already
      }
      const w = s.pullWaiter;
      s.pullWaiter = null;
      if (w) w();
    }
    s.recvState = "reset";
    this._consume(s, s.finalSize - s.recvDelivered);
    this._recvFinished(s);
  }

  _onStopSending(f) {
    const s = this._peerReceivingStream(f.id, f.frameType);
    if (!s || s.sendDone) return;
    const err = new WebTransportError(`peer stopped the stream with code ${f.code}`, { source: "stream", streamErrorCode: f.code });
    this._resetSend(s, f.code, err);
  }

  _onDatagram(f) {
    if (this.local.maxDatagramFrameSize === 0) {
      throw new QmuxError(ERR.PROTOCOL_VIOLATION, "DATAGRAM received but not advertised", f.frameType);
    }
    const frameSize = 1 + (f.frameType === FrameType.DATAGRAM_LEN ? varintLength(f.data.length) : 0) + f.data.length;
    if (frameSize > this.local.maxDatagramFrameSize) {
      throw new QmuxError(ERR.PROTOCOL_VIOLATION, `DATAGRAM frame of ${frameSize} bytes above max_datagram_frame_size`, f.frameType);
    }
    const data = f.data.slice();
    const w = this.datagramInWaiter;
    if (w) {
      this.datagramInWaiter = null;
      w({ value: data });
      return;
    }
    this.datagramsIn.push(data);
    while (this.datagramsIn.length > this.datagramHighWater) {
      this.datagramsIn.shift();
      this.stats.datagramsDroppedIncoming++;
    }
  }

  // --- receive streams ---------------------------------------------------------

  _makeReadable(s) {
    const session = this;
    s.readable = new ReadableStream(
      {
        type: BYTE_STREAMS ? "bytes" : undefined,
        start(controller) {
          s.readableController = controller;
        },
        pull() {
          s.wantData = true;
          if (session._deliver(s)) return undefined;
          return new Promise((resolve) => {
            s.pullWaiter = resolve;
          });
        },
        cancel(reason) {
          session._cancelRecv(s, streamCodeOf(reason));
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Hands buffered data (or the end) to a pending read; true if it did something. */
  _deliver(s) {
    if (s.recvState !== "recv" || !s.wantData) return false;
    const atEnd = s.finalSize !== null && s.recvDelivered + s.buffered === s.finalSize;
    if (s.chunks.length === 0 && !atEnd) return false;
    const w = s.pullWaiter;
    s.pullWaiter = null;
    s.wantData = false;
    if (s.chunks.length > 0) {
      const chunk = s.chunks.shift();
      const n = chunk.length; // enqueue transfers (detaches) the buffer
      s.buffered -= n;
      s.readableController.enqueue(chunk);
      this._consume(s, n);
    }
    if (s.chunks.length === 0 && atEnd) this._finishRecv(s);
    if (w) w();
    return true;
  }

  _finishRecv(s) {
    s.recvState = "done";
    try {
      s.readableController.close();
      // a pending BYOB read only settles once its request is answered
      s.readableController.byobRequest?.respond(0);
    } catch {
      // already closed
    }
    this._recvFinished(s);
  }

  _cancelRecv(s, code) {
    if (s.recvState !== "recv") return;
    s.recvState = "cancelled";
    const dropped = s.buffered;
    s.chunks = [];
    s.buffered = 0;
    this._consume(s, dropped);
    if (s.finalSize === null || s.recvEnd < s.finalSize) {
      this.control.push(encodeFrame({ type: "stop_sending", id: s.id, code }));
    }
    if (s.finalSize !== null && s.recvEnd === s.finalSize) this._recvFinished(s);
    this._scheduleFlush();
  }

  /** Bytes left flow control (delivered or discarded): re-grant credit at half a window. */
  _consume(s, n) {
    if (n <= 0) return;
    s.recvDelivered += n;
    this.recvConsumed += n;
    if (s.finalSize === null && s.recvState === "recv" && s.recvMax - s.recvDelivered <= s.recvWindow / 2) {
      s.recvMax = s.recvDelivered + s.recvWindow;
      s.creditDirty = true;
      this.creditDirty.add(s);
    }
    const window = this.local.initialMaxData;
    if (this.recvMax - this.recvConsumed <= window / 2) {
      this.recvMax = this.recvConsumed + window;
      this.maxDataDirty = true;
    }
    this._scheduleFlush();
  }

  _recvFinished(s) {
    s.recvDone = true;
    if (s.recvState !== "done" && s.recvState !== "reset") s.recvState = "done";
    this._maybeRetire(s);
  }

  /** Drops a stream whose both halves are over; returns stream credit for accepted peer streams. */
  _maybeRetire(s) {
    if (!s.recvDone || !s.sendDone) return;
    if (this.streams.get(s.id) !== s) return;
    this.streams.delete(s.id);
    this.sendable.delete(s);
    this.creditDirty.delete(s);
    if (!s.local && this.state !== "closed") {
      const kind = s.bidi ? "bidi" : "uni";
      if (s.accepted) this._returnStreamCredit(kind);
      else s.retiredUnaccepted = true;
    }
  }

  _returnStreamCredit(kind) {
    this.peerLimit[kind]++;
    this._scheduleFlush();
  }

  // --- incoming stream queues -------------------------------------------------

  _makeIncoming(kind) {
    const session = this;
    return new ReadableStream(
      {
        pull(controller) {
          const take = (r) => {
            if (r.done) controller.close();
            else if (r.error) controller.error(r.error);
            else controller.enqueue(r.value);
          };
          const next = session._nextIncoming(kind);
          if (next) {
            take(next);
            return undefined;
          }
          return new Promise((resolve) => {
            session.incomingWaiter[kind] = (r) => {
              take(r);
              resolve();
            };
          });
        },
        cancel() {
          session._refuseIncoming(kind);
        },
      },
      { highWaterMark: 0 },
    );
  }

  _nextIncoming(kind) {
    const s = this.incoming[kind].shift();
    if (s) return { value: this._accept(s) };
    if (this.state === "closed") return this._incomingEnd ?? { done: true };
    return null;
  }

  _accept(s) {
    s.accepted = true;
    if (s.retiredUnaccepted) this._returnStreamCredit(s.bidi ? "bidi" : "uni");
    return s.bidi ? { readable: s.readable, writable: s.writable } : s.readable;
  }

  _offerIncoming(kind, s) {
    if (this.incomingRefused[kind]) {
      s.accepted = true;
      this._cancelRecv(s, 0);
      if (s.canSend) this._resetSend(s, 0, new WebTransportError("incoming streams refused", { source: "stream", streamErrorCode: 0 }));
      return;
    }
    const w = this.incomingWaiter[kind];
    if (w) {
      this.incomingWaiter[kind] = null;
      w({ value: this._accept(s) });
    } else {
      this.incoming[kind].push(s);
    }
  }

  _refuseIncoming(kind) {
    this.incomingRefused[kind] = true;
    const queued = this.incoming[kind];
    this.incoming[kind] = [];
    for (const s of queued) this._offerIncoming(kind, s);
  }

  // --- send streams -------------------------------------------------------------

  _makeWritable(s) {
    const session = this;
    s.writable = new WritableStream(
      {
        start(controller) {
          s.writableController = controller;
          // abort() must not wait for a write that is blocked on flow control
          controller.signal?.addEventListener("abort", () => session._resetSend(s, streamCodeOf(controller.signal.reason), null));
        },
        write(chunk) {
          return session._queueWrite(s, chunk);
        },
        close() {
          return session._queueFin(s);
        },
        abort(reason) {
          session._resetSend(s, streamCodeOf(reason), null);
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 65536 }),
    );
  }

  _queueWrite(s, chunk) {
    const bytes = toBytes(chunk);
    if (this.state === "closed") return Promise.reject(sessionError("session is closed"));
    if (s.sendDone) return Promise.reject(new WebTransportError("stream is closed", { source: "stream" }));
    if (bytes.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      s.pending.push({ data: bytes.slice(), pos: 0, resolve, reject });
      s.pendingBytes += bytes.length;
      this.sendable.add(s);
      this._scheduleFlush();
    });
  }

  _queueFin(s) {
    if (this.state === "closed") return Promise.reject(sessionError("session is closed"));
    if (s.sendDone) return Promise.resolve();
    return new Promise((resolve, reject) => {
      s.finQueued = true;
      s.finWaiter = { resolve, reject };
      this.sendable.add(s);
      this._scheduleFlush();
    });
  }

  /** RESET_STREAM with `code`; queued data is dropped. `err` errors the writable (peer-initiated stop). */
  _resetSend(s, code, err) {
    if (s.sendDone || this.state === "closed") return;
    const failure = err ?? new WebTransportError(`stream aborted with code ${code}`, { source: "stream", streamErrorCode: code });
    for (const p of s.pending) p.reject(failure);
    s.pending = [];
    s.pendingBytes = 0;
    if (s.finWaiter) s.finWaiter.reject(failure);
    s.finWaiter = null;
    s.sendDone = true;
    this.sendable.delete(s);
    this.control.push(encodeFrame({ type: "reset_stream", id: s.id, code, finalSize: s.sendOffset }));
    if (err && s.writableController) {
      try {
        s.writableController.error(err);
      } catch {
        // already errored
      }
    }
    this._maybeRetire(s);
    this._scheduleFlush();
  }

  async _openStream(kind) {
    await this.ready;
    for (;;) {
      if (this.state === "closed") throw sessionError("session is closed");
      if (this.nextLocal[kind] < this.localLimit[kind]) break;
      await new Promise((resolve, reject) => this.streamWaiters[kind].push({ resolve, reject }));
    }
    const id = this._localId(kind, this.nextLocal[kind]++);
    return this._createStream(id);
  }

  _wakeStreamWaiters(kind) {
    const waiters = this.streamWaiters[kind];
    this.streamWaiters[kind] = [];
    for (const w of waiters) w.resolve();
  }

  async createBidirectionalStream() {
    const s = await this._openStream("bidi");
    return { readable: s.readable, writable: s.writable };
  }

  async createUnidirectionalStream() {
    const s = await this._openStream("uni");
    return s.writable;
  }

  // --- datagrams -----------------------------------------------------------------

  _makeDatagrams() {
    const session = this;
    const readable = new ReadableStream(
      {
        pull(controller) {
          const take = (r) => {
            if (r.done) controller.close();
            else if (r.error) controller.error(r.error);
            else controller.enqueue(r.value);
          };
          if (session.datagramsIn.length > 0) {
            controller.enqueue(session.datagramsIn.shift());
            return undefined;
          }
          if (session.state === "closed") {
            take(session._datagramEnd ?? { done: true });
            return undefined;
          }
          return new Promise((resolve) => {
            session.datagramInWaiter = (r) => {
              take(r);
              resolve();
            };
          });
        },
        cancel() {
          session.datagramHighWater = 0;
          session.datagramsIn = [];
        },
      },
      { highWaterMark: 0 },
    );
    const writable = new WritableStream(
      {
        write(chunk) {
          return session._queueDatagram(toBytes(chunk));
        },
      },
      { highWaterMark: 16 },
    );
    return {
      readable,
      writable,
      get maxDatagramSize() {
        return session.maxDatagramSize;
      },
      get incomingHighWaterMark() {
        return session.datagramHighWater;
      },
      set incomingHighWaterMark(v) {
        if (Number.isFinite(v) && v >= 0) session.datagramHighWater = Math.floor(v);
      },
    };
  }

  async _queueDatagram(bytes) {
    await this.ready;
    if (this.state === "closed") throw sessionError("session is closed");
    if (bytes.length > this.maxDatagramSize) {
      // Like native WebTransport: an oversized datagram is dropped, not an error.
      this.stats.datagramsDroppedOutgoing++;
      return;
    }
    await new Promise((resolve) => {
      this.datagramsOut.push({ data: bytes.slice(), resolve });
      this._scheduleFlush();
    });
  }

  // --- sending ---------------------------------------------------------------------

  _scheduleFlush() {
    if (this.flushScheduled || !this.transport) return;
    this.flushScheduled = true;
    queueMicrotask(() => this._flush());
  }

  /** The transport's buffer went down; called by transports that can tell. */
  drained() {
    if (this.drainTimer) {
      clearTimeout(this.drainTimer);
      this.drainTimer = null;
    }
    this._scheduleFlush();
  }

  _flush() {
    this.flushScheduled = false;
    const t = this.transport;
    if (!t || this.state === "closed") return;
    for (;;) {
      if (t.bufferedAmount > (t.highWaterMark ?? HIGH_WATER_BUFFERED)) {
        if (!this.drainTimer) {
          this.drainTimer = setTimeout(() => {
            this.drainTimer = null;
            this._flush();
          }, 2);
        }
        return;
      }
      const record = this._buildRecord();
      if (!record) return;
      this.stats.recordsSent++;
      this.stats.bytesSent += record.length;
      try {
        t.send(record);
      } catch (err) {
        this.transportClosed(err);
        return;
      }
      if (this.state === "closed") return;
    }
  }

  _buildRecord() {
    // Once the peer's parameters are unknown we may send only our own parameters.
    const limit = this._recordLimit();
    const buf = new Uint8Array(limit);
    let pos = 0;
    const put = (bytes) => {
      buf.set(bytes, pos);
      pos += bytes.length;
    };
    while (this.control.length > 0 && pos + this.control[0].length <= limit) put(this.control.shift());
    if (!this.peer) return pos > 0 ? buf.slice(0, pos) : null;

    // credit updates, newest values only
    if (this.maxDataDirty && pos + 9 <= limit) {
      put(encodeFrame({ type: "max_data", max: this.recvMax }));
      this.maxDataDirty = false;
    }
    for (const kind of ["bidi", "uni"]) {
      if (this.peerLimit[kind] !== this.peerLimitSent[kind] && pos + 9 <= limit) {
        put(encodeFrame({ type: "max_streams", bidi: kind === "bidi", max: this.peerLimit[kind] }));
        this.peerLimitSent[kind] = this.peerLimit[kind];
      }
    }
    for (const s of this.creditDirty) {
      if (pos + 17 > limit) break;
      this.creditDirty.delete(s);
      if (!s.creditDirty) continue;
      s.creditDirty = false;
      if (s.recvState === "recv" && s.finalSize === null) put(encodeFrame({ type: "max_stream_data", id: s.id, max: s.recvMax }));
    }

    // datagrams
    while (this.datagramsOut.length > 0) {
      const d = this.datagramsOut[0];
      const size = 1 + varintLength(d.data.length) + d.data.length;
      if (pos + size > limit) break;
      this.datagramsOut.shift();
      buf[pos++] = FrameType.DATAGRAM_LEN;
      pos = writeVarint(buf, pos, d.data.length);
      put(d.data);
      d.resolve();
    }

    // stream data, round robin
    let connAvail = this.sendMax - this.sendTotal;
    for (const s of [...this.sendable]) {
      if (s.sendDone) {
        this.sendable.delete(s);
        continue;
      }
      const header = 1 + varintLength(s.id) + varintLength(s.sendOffset) + 2;
      const space = limit - pos - header;
      if (space <= 0) break;
      const streamAvail = s.sendMax - s.sendOffset;
      let n = Math.min(s.pendingBytes, streamAvail, connAvail, space, MAX_STREAM_PAYLOAD);
      if (n < 0) n = 0;
      const fin = s.finQueued && n === s.pendingBytes;
      if (n === 0 && !fin) {
        if (connAvail <= 0) break; // nothing can go until MAX_DATA
        continue; // this stream waits for MAX_STREAM_DATA
      }
      buf[pos++] = 0x0e | (fin ? 1 : 0);
      pos = writeVarint(buf, pos, s.id);
      pos = writeVarint(buf, pos, s.sendOffset);
      pos = writeVarint(buf, pos, n);
      let left = n;
      while (left > 0) {
        const p = s.pending[0];
        const take = Math.min(left, p.data.length - p.pos);
        buf.set(p.data.subarray(p.pos, p.pos + take), pos);
        pos += take;
        p.pos += take;
        left -= take;
        if (p.pos === p.data.length) {
          s.pending.shift();
          p.resolve();
        }
      }
      s.sendOffset += n;
      s.pendingBytes -= n;
      this.sendTotal += n;
      connAvail -= n;
      this.sendable.delete(s);
      if (fin) {
        s.sendDone = true;
        s.finQueued = false;
        const w = s.finWaiter;
        s.finWaiter = null;
        if (w) w.resolve();
        this._maybeRetire(s);
      } else if (s.pendingBytes > 0 || s.finQueued) {
        this.sendable.add(s); // to the back of the line
      }
    }
    if (pos === 0) return null;
    return pos < limit / 4 ? buf.slice(0, pos) : buf.subarray(0, pos);
  }
}

// ---------------------------------------------------------------------------
// 6. Record transports
// ---------------------------------------------------------------------------

const QMUX_VERSIONS = ["qmux-02", "qmux-01"];

/** The Sec-WebSocket-Protocol offer: qmux-02.<app>, qmux-01.<app> per app, then bare tokens. */
export function offeredSubprotocols(protocols = [], requireProtocol = false, versions = QMUX_VERSIONS) {
  const out = [];
  for (const app of protocols) for (const v of versions) out.push(`${v}.${app}`);
  if (!requireProtocol || protocols.length === 0) out.push(...versions);
  return out;
}

/** Parses a selected token: { version, protocol } or null if it is not one we offered. */
export function parseSelectedSubprotocol(selected, offered) {
  if (!selected || !offered.includes(selected)) return null;
  for (const v of QMUX_VERSIONS) {
    if (selected === v) return { version: v, protocol: "" };
    if (selected.startsWith(`${v}.`)) return { version: v, protocol: selected.slice(v.length + 1) };
  }
  return null;
}

/** Adapts an open WebSocket to the record transport interface. */
function webSocketTransport(ws, session) {
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") session.receiveText();
    else session.receiveRecord(new Uint8Array(ev.data));
  };
  ws.onclose = (ev) => session.transportClosed(`WebSocket closed with ${ev.code}${ev.reason ? ` ${ev.reason}` : ""}`);
  return {
    send(record) {
      ws.send(record);
    },
    get bufferedAmount() {
      return ws.bufferedAmount ?? 0;
    },
    close() {
      if (ws.readyState === 0 || ws.readyState === 1) ws.close(1000);
    },
  };
}

/** Incremental text/event-stream parser (WHATWG HTML "server-sent events" rules). */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.first = true;
    this.skipLf = false;
    this.reset();
  }

  reset() {
    this.event = "";
    this.data = [];
    this.id = undefined;
  }

  push(text) {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    if (this.skipLf && text.length > 0) {
      this.skipLf = false;
      if (text[0] === "\n") start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (ch === "\n" || ch === "\r") {
        this.buffer += text.slice(start, i);
        this._line(this.buffer);
        this.buffer = "";
        if (ch === "\r") {
          if (i + 1 < text.length) {
            if (text[i + 1] === "\n") i++;
          } else this.skipLf = true;
        }
        start = i + 1;
      }
    }
    this.buffer += text.slice(start);
  }

  _line(line) {
    if (line === "") {
      if (this.data.length > 0) {
        this.onEvent({ type: this.event || "message", data: this.data.join("\n"), id: this.id });
      }
      this.reset();
      return;
    }
    if (line[0] === ":") return;
    const colon = line.indexOf(":");
    let field = line;
    let value = "";
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value[0] === " ") value = value.slice(1);
    }
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }
}

function base64ToBytes(text) {
  if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const POST_MAX_BODY = 256 * 1024;
const SSE_HIGH_WATER = 256 * 1024;

/**
 * Client-to-server half of SSE+POST: records are batched into POST bodies, each
 * record prefixed by its length as a varint, one POST in flight, numbered by
 * QMux-Sequence and retried unchanged after a network failure.
 */
class SsePostSender {
  constructor({ postUrl, fetchImpl, credentials, retryDelays, onFatal, onDrain }) {
    this.postUrl = postUrl;
    this.fetch = fetchImpl;
    this.credentials = credentials;
    this.retryDelays = retryDelays;
    this.onFatal = onFatal;
    this.onDrain = onDrain;
    this.queue = [];
    this.queuedBytes = 0;
    this.inflightBytes = 0;
    this.sequence = 0;
    this.busy = false;
    this.stopped = false;
    this.idleWaiters = [];
    this.abort = new AbortController();
    this.stats = { posts: 0, retries: 0, duplicates: 0 };
    // settles with the first POST: the upstream half works (or not)
    this.firstAck = deferred();
    handled(this.firstAck.promise);
  }

  get bufferedAmount() {
    return this.queuedBytes + this.inflightBytes;
  }

  send(record) {
    if (this.stopped) throw new Error("SSE+POST sender is stopped");
    this.queue.push(record);
    this.queuedBytes += record.length;
    if (!this.busy) this._pump();
  }

  whenIdle() {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop() {
    this.stopped = true;
    this.firstAck.reject(new Error("SSE+POST sender stopped"));
    this.abort.abort();
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
  }

  _body() {
    const parts = [];
    let size = 0;
    while (this.queue.length > 0) {
      const rec = this.queue[0];
      const add = varintLength(rec.length) + rec.length;
      if (parts.length > 0 && size + add > POST_MAX_BODY) break;
      this.queue.shift();
      this.queuedBytes -= rec.length;
      parts.push(encodeVarint(rec.length), rec);
      size += add;
    }
    const body = new Uint8Array(size);
    let pos = 0;
    for (const p of parts) {
      body.set(p, pos);
      pos += p.length;
    }
    return body;
  }

  async _pump() {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const body = this._body();
        this.inflightBytes = body.length;
        await this._post(body);
        this.inflightBytes = 0;
        this.sequence++;
        this.firstAck.resolve();
        this.onDrain();
      }
    } catch (err) {
      this.firstAck.reject(err);
      if (!this.stopped) this.onFatal(err);
    } finally {
      this.busy = false;
      this.inflightBytes = 0;
      if (this.queue.length === 0 || this.stopped) {
        const ws = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of ws) w();
      }
    }
  }

  async _post(body) {
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await this.fetch(this.postUrl, {
          method: "POST",
          headers: { "Content-Type": "application/octet-stream", "QMux-Sequence": String(this.sequence) },
          body,
          credentials: this.credentials,
          cache: "no-store",
          signal: this.abort.signal,
        });
      } catch (err) {
        if (this.stopped) throw err;
        if (attempt >= this.retryDelays.length) throw new Error(`POST failed after ${attempt + 1} attempts: ${err?.message ?? err}`);
        this.stats.retries++;
        await sleep(this.retryDelays[attempt]);
        continue;
      }
      this.stats.posts++;
      const status = res.status;
      try {
        await res.body?.cancel();
      } catch {
        // nothing to drain
      }
      if (status >= 200 && status < 300) {
        if (res.headers.get("QMux-Duplicate") === "true") this.stats.duplicates++;
        return;
      }
      if (status === 409) {
        const expected = res.headers.get("QMux-Expected-Sequence");
        if (expected !== null && Number(expected) === this.sequence + 1) {
          this.stats.duplicates++;
          return; // already applied; the answer was lost
        }
        throw new Error(`POST sequence ${this.sequence} rejected: server expects ${expected}`);
      }
      if (status === 404 || status === 403 || status === 410) throw new Error(`SSE session gone (POST answered ${status})`);
      if ((status >= 500 || status === 429 || status === 408) && attempt < this.retryDelays.length) {
        this.stats.retries++;
        await sleep(this.retryDelays[attempt]);
        continue;
      }
      throw new Error(`POST answered ${status}`);
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// 7. The fallback chain
// ---------------------------------------------------------------------------

const TRANSPORTS = ["webtransport", "websocket", "sse"];
const DEFAULT_TIMEOUT = 5000;

class StepFailure extends Error {
  constructor(reason, detail) {
    super(detail ?? reason);
    this.reason = reason;
    this.detail = detail ?? reason;
  }
}

function resolveUrl(value, base) {
  if (value === undefined || value === null || value === "") return null;
  const b = base ?? globalThis.location?.href;
  return b ? new URL(String(value), b) : new URL(String(value));
}

function withScheme(url, map) {
  const u = new URL(url.href);
  if (map[u.protocol]) u.protocol = map[u.protocol];
  return u;
}

function reasonParam(reasons) {
  return reasons
    .filter((r) => r.reason !== "not-configured")
    .map((r) => `${r.transport}-${r.reason}`)
    .join(",");
}

/**
 * A WebTransport-shaped session that picks the best transport that works:
 * native WebTransport, then QMux over WebSocket, then QMux over SSE+POST.
 * `new FallbackTransport(url, options)` mirrors `new WebTransport(url, options)`.
 */
export class FallbackTransport {
  #options;
  #inner = null;
  #innerKind = null;
  #innerReady = deferred();
  #ready = deferred();
  #closed = deferred();
  #reasons = [];
  #state = "connecting";
  #cancel = null;

  constructor(url, options) {
    if (url !== null && typeof url === "object" && !(url instanceof URL) && options === undefined) {
      options = url;
      url = options.url;
    }
    options = { ...(options ?? {}) };
    const transports = options.transports ?? TRANSPORTS;
    if (!Array.isArray(transports) || transports.length === 0 || transports.some((t) => !TRANSPORTS.includes(t))) {
      throw new TypeError(`transports must be a non-empty list of ${TRANSPORTS.join(", ")}`);
    }
    const protocols = options.protocols ?? [];
    if (!Array.isArray(protocols) || protocols.some((p) => typeof p !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p))) {
      throw new TypeError("protocols must be a list of HTTP token strings");
    }
    const qmuxVersions = options.qmuxVersions ?? QMUX_VERSIONS;
    if (!Array.isArray(qmuxVersions) || qmuxVersions.length === 0 || qmuxVersions.some((v) => !QMUX_VERSIONS.includes(v))) {
      throw new TypeError(`qmuxVersions must be a non-empty list of ${QMUX_VERSIONS.join(", ")}`);
    }
    const base = url !== undefined && url !== null && url !== "" ? resolveUrl(url) : null;
    this.#options = {
      url: base,
      webTransportUrl: resolveUrl(options.webTransportUrl, base?.href),
      webSocketUrl: options.webSocketUrl
        ? withScheme(resolveUrl(options.webSocketUrl, base?.href ?? globalThis.location?.href), { "https:": "wss:", "http:": "ws:" })
        : base
          ? withScheme(base, { "https:": "wss:", "http:": "ws:" })
          : null,
      sseUrl: options.sseUrl
        ? withScheme(resolveUrl(options.sseUrl, base?.href ?? globalThis.location?.href), { "wss:": "https:", "ws:": "http:" })
        : null,
      protocols,
      requireProtocol: Boolean(options.requireProtocol),
      qmuxVersions,
      transports,
      webTransportTimeout: options.webTransportTimeout ?? DEFAULT_TIMEOUT,
      webSocketTimeout: options.webSocketTimeout ?? DEFAULT_TIMEOUT,
      sseTimeout: options.sseTimeout ?? DEFAULT_TIMEOUT,
      webTransportOptions: options.webTransportOptions ?? {},
      transportParameters: options.transportParameters ?? {},
      credentials: options.credentials ?? "same-origin",
      postRetryDelays: options.postRetryDelays ?? [100, 250, 500, 1000, 2000, 4000],
      WebTransport: "WebTransport" in options ? options.WebTransport : globalThis.WebTransport,
      WebSocket: "WebSocket" in options ? options.WebSocket : globalThis.WebSocket,
      fetch: "fetch" in options ? options.fetch : typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined,
      onEvent: options.onEvent ?? null,
    };
    handled(this.#ready.promise);
    handled(this.#closed.promise);
    handled(this.#innerReady.promise);
    this.incomingBidirectionalStreams = this.#forwardReadable((i) => i.incomingBidirectionalStreams);
    this.incomingUnidirectionalStreams = this.#forwardReadable((i) => i.incomingUnidirectionalStreams);
    const self = this;
    this.datagrams = {
      readable: this.#forwardReadable((i) => i.datagrams.readable),
      writable: this.#forwardWritable((i) => i.datagrams.writable ?? i.datagrams.createWritable?.()),
      get maxDatagramSize() {
        return self.#inner?.datagrams?.maxDatagramSize ?? 0;
      },
    };
    this.#establish();
  }

  /** Resolves once a transport is up. */
  get ready() {
    return this.#ready.promise;
  }

  /** Fulfils with {closeCode, reason} on a graceful close; rejects on an abnormal end. */
  get closed() {
    return this.#closed.promise;
  }

  /** "webtransport" | "websocket" | "sse", or null while connecting/after failure. */
  get transport() {
    return this.#innerKind;
  }

  /** Why better transports were skipped: [{transport, reason, detail}]. */
  get fallbackReasons() {
    return this.#reasons.map((r) => ({ ...r }));
  }

  /** The negotiated application protocol (QMux version prefix stripped), "" if none. */
  get protocol() {
    return this.#inner?.protocol ?? "";
  }

  get reliability() {
    if (!this.#inner) return "pending";
    return this.#innerKind === "webtransport" ? this.#inner.reliability ?? "supports-unreliable" : "reliable-only";
  }

  /** The QMux wire version in use ("qmux-02" | "qmux-01"), or null for native WebTransport. */
  get wireVersion() {
    return this.#innerKind === "webtransport" ? null : this.#inner?.version ?? null;
  }

  async createBidirectionalStream(options) {
    const inner = await this.#innerReady.promise;
    return inner.createBidirectionalStream(options);
  }

  async createUnidirectionalStream(options) {
    const inner = await this.#innerReady.promise;
    return inner.createUnidirectionalStream(options);
  }

  close(closeInfo = {}) {
    if (this.#state === "closed") return;
    if (this.#inner) {
      this.#inner.close(closeInfo);
      return;
    }
    // still connecting: stop the chain
    this.#state = "closed";
    const err = sessionError("closed before the session was established");
    if (this.#cancel) this.#cancel(err);
    this.#innerReady.reject(err);
    this.#ready.reject(err);
    this.#closed.reject(err);
  }

  async getStats() {
    if (!this.#inner) return { transport: null };
    if (this.#innerKind === "webtransport") return { transport: "webtransport", ...(await this.#inner.getStats?.()) };
    return {
      transport: this.#innerKind,
      wireVersion: this.#inner.version,
      ...this.#inner.stats,
      ...(this.#inner.postStats ? { post: { ...this.#inner.postStats } } : {}),
    };
  }

  #forwardReadable(pick) {
    let reader = null;
    return new ReadableStream(
      {
        pull: async (controller) => {
          if (!reader) reader = pick(await this.#innerReady.promise).getReader();
          const { value, done } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: async (reason) => {
          if (reader) await reader.cancel(reason);
          else this.#innerReady.promise.then((i) => pick(i).cancel(reason), () => {});
        },
      },
      { highWaterMark: 0 },
    );
  }

  #forwardWritable(pick) {
    let writer = null;
    const get = async () => (writer ??= pick(await this.#innerReady.promise).getWriter());
    return new WritableStream(
      {
        write: async (chunk) => (await get()).write(chunk),
        close: async () => (await get()).close(),
        abort: async (reason) => (await get()).abort(reason),
      },
      { highWaterMark: 16 },
    );
  }

  #emit(type, detail) {
    if (this.#options.onEvent) {
      try {
        this.#options.onEvent(type, detail);
      } catch {
        // observers must not break the chain
      }
    }
  }

  async #establish() {
    const o = this.#options;
    for (const kind of o.transports) {
      if (this.#state === "closed") return;
      try {
        const inner = await this.#try(kind);
        if (this.#state === "closed") {
          try {
            inner.close({ closeCode: 0, reason: "closed while connecting" });
          } catch {
            // ignore
          }
          return;
        }
        this.#adopt(kind, inner);
        return;
      } catch (err) {
        if (this.#state === "closed") return;
        const failure = err instanceof StepFailure ? err : new StepFailure("error", String(err?.message ?? err));
        this.#reasons.push({ transport: kind, reason: failure.reason, detail: failure.detail });
        this.#emit("fallback", { transport: kind, reason: failure.reason, detail: failure.detail });
      }
    }
    const summary = this.#reasons.map((r) => `${r.transport}: ${r.reason} (${r.detail})`).join("; ");
    const err = sessionError(`no transport could be established: ${summary}`, { fallbackReasons: this.fallbackReasons });
    this.#state = "closed";
    this.#innerReady.reject(err);
    this.#ready.reject(err);
    this.#closed.reject(err);
  }

  #adopt(kind, inner) {
    this.#inner = inner;
    this.#innerKind = kind;
    this.#state = "connected";
    this.#innerReady.resolve(inner);
    this.#ready.resolve();
    this.#emit("ready", { transport: kind, protocol: this.protocol, fallbackReasons: this.fallbackReasons });
    inner.closed.then(
      (info) => {
        this.#state = "closed";
        this.#closed.resolve(info);
      },
      (err) => {
        this.#state = "closed";
        this.#closed.reject(err);
      },
    );
  }

  /** Runs one step with its timeout; resolves with a ready inner session or throws StepFailure. */
  #try(kind) {
    const o = this.#options;
    const timeout = kind === "webtransport" ? o.webTransportTimeout : kind === "websocket" ? o.webSocketTimeout : o.sseTimeout;
    return new Promise((resolve, reject) => {
      let cleanup = () => {};
      let settled = false;
      const finish = (err, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#cancel = null;
        if (err) {
          cleanup();
          reject(err);
        } else resolve(value);
      };
      const timer = setTimeout(() => finish(new StepFailure("timeout", `no session within ${timeout} ms`)), timeout);
      this.#cancel = (err) => finish(err);
      const setCleanup = (fn) => {
        cleanup = fn;
      };
      let attempt;
      try {
        attempt =
          kind === "webtransport"
            ? this.#tryWebTransport(setCleanup)
            : kind === "websocket"
              ? this.#tryWebSocket(setCleanup)
              : this.#trySse(setCleanup);
      } catch (err) {
        finish(err instanceof StepFailure ? err : new StepFailure("error", String(err?.message ?? err)));
        return;
      }
      attempt.then(
        (v) => finish(null, v),
        (err) => finish(err instanceof StepFailure ? err : new StepFailure("error", String(err?.message ?? err))),
      );
    });
  }

  async #tryWebTransport(setCleanup) {
    const o = this.#options;
    const WT = o.WebTransport;
    if (typeof WT !== "function") throw new StepFailure("unsupported", "WebTransport is not available in this runtime");
    if (!o.webTransportUrl) throw new StepFailure("not-configured", "no webTransportUrl given");
    let wt;
    try {
      const init = { ...o.webTransportOptions };
      if (o.protocols.length > 0) init.protocols = o.protocols;
      wt = new WT(o.webTransportUrl.href, init);
    } catch (err) {
      throw new StepFailure("error", `WebTransport constructor threw: ${err?.message ?? err}`);
    }
    handled(Promise.resolve(wt.closed));
    setCleanup(() => {
      try {
        wt.close();
      } catch {
        // ignore
      }
    });
    try {
      await wt.ready;
    } catch (err) {
      throw new StepFailure("refused", `WebTransport handshake failed: ${err?.message ?? err}`);
    }
    if (o.requireProtocol && o.protocols.length > 0 && !o.protocols.includes(wt.protocol ?? "")) {
      throw new StepFailure("error", `server selected no offered application protocol (${JSON.stringify(wt.protocol ?? "")})`);
    }
    return wt;
  }

  #withReasons(url) {
    const u = new URL(url.href);
    const reasons = reasonParam(this.#reasons);
    if (reasons) u.searchParams.set("fallback-reason", reasons);
    return u;
  }

  #tryWebSocket(setCleanup) {
    const o = this.#options;
    const WS = o.WebSocket;
    if (typeof WS !== "function") return Promise.reject(new StepFailure("unsupported", "WebSocket is not available in this runtime"));
    if (!o.webSocketUrl) return Promise.reject(new StepFailure("not-configured", "no url or webSocketUrl given"));
    const offered = offeredSubprotocols(o.protocols, o.requireProtocol, o.qmuxVersions);
    const url = this.#withReasons(o.webSocketUrl);
    return new Promise((resolve, reject) => {
      let ws;
      try {
        ws = new WS(url.href, offered);
      } catch (err) {
        reject(new StepFailure("error", `WebSocket constructor threw: ${err?.message ?? err}`));
        return;
      }
      ws.binaryType = "arraybuffer";
      let session = null;
      setCleanup(() => {
        if (session) session.abort("fallback step abandoned");
        else {
          try {
            ws.close();
          } catch {
            // ignore
          }
        }
      });
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        reject(new StepFailure("refused", `WebSocket closed before opening (code ${ev?.code ?? "?"})`));
      };
      ws.onopen = () => {
        const selected = parseSelectedSubprotocol(ws.protocol, offered);
        if (!selected) {
          try {
            ws.close();
          } catch {
            // ignore
          }
          reject(new StepFailure("error", `server selected no offered QMux subprotocol (${JSON.stringify(ws.protocol ?? "")})`));
          return;
        }
        session = new QmuxSession({
          role: "client",
          version: selected.version,
          protocol: selected.protocol,
          transportName: "websocket",
          transportParameters: o.transportParameters,
          onEvent: o.onEvent,
        });
        session.attach(webSocketTransport(ws, session));
        session.ready.then(
          () => resolve(session),
          (err) => reject(new StepFailure("error", err.message)),
        );
      };
    });
  }

  async #trySse(setCleanup) {
    const o = this.#options;
    const fetchImpl = o.fetch;
    if (typeof fetchImpl !== "function" || typeof ReadableStream !== "function") {
      throw new StepFailure("unsupported", "fetch with streaming bodies is not available");
    }
    if (!o.sseUrl) throw new StepFailure("not-configured", "no sseUrl given");
    const offered = offeredSubprotocols(o.protocols, o.requireProtocol, o.qmuxVersions);
    const url = this.#withReasons(o.sseUrl);
    url.searchParams.set("protocols", offered.join(","));
    const getAbort = new AbortController();
    let session = null;
    let sender = null;
    let ended = false;
    const stopAll = () => {
      ended = true;
      sender?.stop();
      getAbort.abort();
    };
    setCleanup(() => {
      if (session) session.abort("fallback step abandoned");
      stopAll();
    });

    let res;
    try {
      res = await fetchImpl(url.href, {
        method: "GET",
        headers: { Accept: "text/event-stream" },
        credentials: o.credentials,
        cache: "no-store",
        signal: getAbort.signal,
      });
    } catch (err) {
      throw new StepFailure("refused", `SSE request failed: ${err?.message ?? err}`);
    }
    if (!res.ok) {
      try {
        await res.body?.cancel();
      } catch {
        // ignore
      }
      throw new StepFailure("refused", `SSE request answered ${res.status}`);
    }
    const type = res.headers.get("Content-Type") ?? "";
    if (!type.toLowerCase().startsWith("text/event-stream") || !res.body) {
      try {
        await res.body?.cancel();
      } catch {
        // ignore
      }
      throw new StepFailure("error", `SSE response has content type ${JSON.stringify(type)}`);
    }

    return new Promise((resolve, reject) => {
      let lastId = null;
      const fail = (msg) => {
        if (session) session.transportClosed(msg);
        else reject(new StepFailure("error", msg));
        stopAll();
      };
      const onEvent = (ev) => {
        if (ended) return;
        if (!session) {
          if (ev.type !== "session") return fail(`first SSE event was ${JSON.stringify(ev.type)}, not "session"`);
          let info;
          try {
            info = JSON.parse(ev.data);
          } catch {
            return fail("SSE session event is not JSON");
          }
          if (!info || typeof info.post !== "string") return fail("SSE session event has no post path");
          const selectedToken = typeof info.protocol === "string" ? info.protocol : "";
          let selected = parseSelectedSubprotocol(selectedToken, offered);
          // Lenient: a server may name just the application protocol, or none.
          if (!selected && selectedToken === "" && !o.requireProtocol) selected = { version: o.qmuxVersions[0], protocol: "" };
          if (!selected && o.protocols.includes(selectedToken)) selected = { version: o.qmuxVersions[0], protocol: selectedToken };
          if (!selected) return fail(`server selected no offered protocol (${JSON.stringify(selectedToken)})`);
          let postUrl;
          try {
            postUrl = new URL(info.post, url.href).href;
          } catch {
            return fail("SSE session event has an invalid post path");
          }
          session = new QmuxSession({
            role: "client",
            version: selected.version,
            protocol: selected.protocol,
            transportName: "sse",
            transportParameters: o.transportParameters,
            onEvent: o.onEvent,
          });
          session.sseSessionId = info.id;
          sender = new SsePostSender({
            postUrl,
            fetchImpl,
            credentials: o.credentials,
            retryDelays: o.postRetryDelays,
            onFatal: (err) => fail(String(err?.message ?? err)),
            onDrain: () => session.drained(),
          });
          session.postStats = sender.stats;
          session.attach({
            highWaterMark: SSE_HIGH_WATER,
            send: (record) => sender.send(record),
            get bufferedAmount() {
              return sender.bufferedAmount;
            },
            close: () => {
              if (ended) return;
              ended = true;
              // Let the final POST (the close frame) go out, then drop the event stream.
              const t = setTimeout(stopAll, 2000);
              sender.whenIdle().then(() => {
                clearTimeout(t);
                stopAll();
              });
            },
          });
          // Ready once the server's parameters arrived and our first POST was taken.
          Promise.all([session.ready, sender.firstAck.promise]).then(
            () => resolve(session),
            (err) => reject(new StepFailure("error", err.message)),
          );
          return undefined;
        }
        if (ev.type === "message") {
          if (ev.id !== undefined && ev.id !== "" && /^\d+$/.test(ev.id)) {
            const id = Number(ev.id);
            if (lastId !== null && id !== lastId + 1) return fail(`SSE event id ${id} after ${lastId}: records were lost`);
            lastId = id;
          }
          let record;
          try {
            record = base64ToBytes(ev.data.trim());
          } catch {
            return fail("SSE record is not valid base64");
          }
          session.receiveRecord(record);
          return undefined;
        }
        if (ev.type === "close") {
          let info = {};
          try {
            info = JSON.parse(ev.data);
          } catch {
            // keep empty
          }
          fail(`server ended the SSE stream (code ${info.code ?? "?"}${info.reason ? `, ${info.reason}` : ""})`);
        }
        return undefined;
      };
      const parser = new SseParser(onEvent);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            parser.push(decoder.decode(value, { stream: true }));
            if (ended && session?.state === "closed") break;
          }
          if (!ended) fail("SSE stream ended");
        } catch (err) {
          if (!ended) fail(`SSE stream failed: ${err?.message ?? err}`);
        } finally {
          try {
            reader.releaseLock();
          } catch {
            // ignore
          }
        }
      })();
    });
  }
}

/**
 * Opens a session and resolves once it is ready.
 * `connect(url, options)` or `connect({ url, ...options })`.
 */
export async function connect(url, options) {
  const t = new FallbackTransport(url, options);
  await t.ready;
  return t;
}

export default FallbackTransport;
