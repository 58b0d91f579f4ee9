import test from "node:test";
import assert from "node:assert/strict";
import {
  VERSION,
  varintLength,
  encodeVarint,
  decodeVarint,
  encodeFrame,
  decodeRecord,
  encodeRecord,
  encodeTransportParameters,
  decodeTransportParameters,
  DEFAULT_TRANSPORT_PARAMETERS,
  ABSENT_TRANSPORT_PARAMETERS,
  FrameType,
  ErrorCode,
  QmuxError,
  offeredSubprotocols,
  parseSelectedSubprotocol,
} from "../client.js";

const hex = (s) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g).map((b) => parseInt(b, 16)));
const toHex = (b) => Buffer.from(b).toString("hex");

test("VERSION", () => {
  assert.equal(VERSION, "0.1.0-SNAPSHOT");
});

test("varint: RFC 9000 appendix A.1 examples decode", () => {
  const vectors = [
    ["c2197c5eff14e88c", 151288809941952652n, 8],
    ["9d7f3e7d", 494878333, 4],
    ["7bbd", 15293, 2],
    ["25", 37, 1],
    ["4025", 37, 2],
  ];
  for (const [h, value, length] of vectors) {
    const d = decodeVarint(hex(h));
    assert.equal(d.value, value, h);
    assert.equal(d.length, length, h);
  }
});

test("varint: minimal encodings of the RFC values", () => {
  assert.equal(toHex(encodeVarint(151288809941952652n)), "c2197c5eff14e88c");
  assert.equal(toHex(encodeVarint(494878333)), "9d7f3e7d");
  assert.equal(toHex(encodeVarint(15293)), "7bbd");
  assert.equal(toHex(encodeVarint(37)), "25");
});

test("varint: boundaries round-trip and numbers stay numbers below 2^53", () => {
  const values = [0, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, 2 ** 32, 2 ** 53 - 1];
  for (const v of values) {
    const e = encodeVarint(v);
    assert.equal(e.length, varintLength(v));
    const d = decodeVarint(e);
    assert.equal(d.value, v);
    assert.equal(typeof d.value, "number");
  }
  for (const v of [2n ** 53n, 2n ** 62n - 1n, 0x3f5153300d0a0d0an]) {
    const d = decodeVarint(encodeVarint(v));
    assert.equal(d.value, v);
    assert.equal(typeof d.value, "bigint");
  }
  assert.equal(decodeVarint(encodeVarint(5n)).value, 5);
  assert.throws(() => encodeVarint(2n ** 62n), RangeError);
  assert.throws(() => encodeVarint(-1), RangeError);
  assert.throws(() => encodeVarint(1.5), RangeError);
  assert.throws(() => encodeVarint(2 ** 53), RangeError);
});

test("varint: truncated input is a FRAME_ENCODING_ERROR", () => {
  assert.throws(() => decodeVarint(hex("c2197c")), (e) => e instanceof QmuxError && e.code === ErrorCode.FRAME_ENCODING_ERROR);
  assert.throws(() => decodeVarint(new Uint8Array(0)), QmuxError);
});

test("frame: QX_TRANSPORT_PARAMETERS starts with ff 51 53 30 0d 0a 0d 0a", () => {
  const f = encodeFrame({ type: "transport_parameters", params: DEFAULT_TRANSPORT_PARAMETERS });
  assert.equal(toHex(f.subarray(0, 8)), "ff5153300d0a0d0a");
  const [back] = decodeRecord(f);
  assert.equal(back.type, "transport_parameters");
  assert.deepEqual(back.params, { ...DEFAULT_TRANSPORT_PARAMETERS });
});

test("frame: QX_PING request/response wire types", () => {
  assert.equal(toHex(encodeFrame({ type: "ping_request", sequence: 5 })), "f48c67529ef8c7bd05");
  assert.equal(toHex(encodeFrame({ type: "ping_response", sequence: 5 })), "f48c67529ef8c7be05");
  assert.equal(FrameType.QX_PING_REQUEST, 0x348c67529ef8c7bdn);
});

test("frame: fixed encodings", () => {
  assert.equal(toHex(encodeFrame({ type: "stream", id: 4, offset: 0, data: hex("aabb"), fin: false })), "0e040002aabb");
  assert.equal(toHex(encodeFrame({ type: "stream", id: 4, offset: 70, data: new Uint8Array(0), fin: true })), "0f0440460" + "0");
  assert.equal(toHex(encodeFrame({ type: "reset_stream", id: 1, code: 26, finalSize: 300 })), "04011a412c");
  assert.equal(toHex(encodeFrame({ type: "stop_sending", id: 8, code: 0 })), "050800");
  assert.equal(toHex(encodeFrame({ type: "max_data", max: 1048576 })), "1080100000");
  assert.equal(toHex(encodeFrame({ type: "max_stream_data", id: 2, max: 64 })), "11024040");
  assert.equal(toHex(encodeFrame({ type: "max_streams", bidi: true, max: 101 })), "124065");
  assert.equal(toHex(encodeFrame({ type: "max_streams", bidi: false, max: 3 })), "1303");
  assert.equal(toHex(encodeFrame({ type: "datagram", data: hex("01020304") })), "310401020304");
  assert.equal(toHex(encodeFrame({ type: "application_close", code: 7, reason: "requested" })), "1d0709" + toHex(Buffer.from("requested")));
  assert.equal(toHex(encodeFrame({ type: "connection_close", code: 0x0a, frameType: 0x08, reason: "x" })), "1c0a080178");
});

test("frame: every kind round-trips, several frames per record", () => {
  const frames = [
    { type: "stream", id: 0, offset: 123456, data: hex("00ff10"), fin: true },
    { type: "reset_stream", id: 3, code: 0xffffffff, finalSize: 99 },
    { type: "stop_sending", id: 7, code: 42 },
    { type: "max_data", max: 2 ** 40 },
    { type: "max_stream_data", id: 5, max: 77 },
    { type: "max_streams", bidi: true, max: 1000 },
    { type: "max_streams", bidi: false, max: 2 },
    { type: "data_blocked", limit: 10 },
    { type: "stream_data_blocked", id: 1, limit: 11 },
    { type: "streams_blocked", bidi: true, limit: 12 },
    { type: "streams_blocked", bidi: false, limit: 13 },
    { type: "connection_close", code: 3, frameType: 0x3f5153300d0a0d0an, reason: "flow" },
    { type: "application_close", code: 4242, reason: "bye ✓" },
    { type: "datagram", data: hex("beef") },
    { type: "ping_request", sequence: 9 },
    { type: "ping_response", sequence: 9 },
  ];
  const decoded = decodeRecord(encodeRecord(frames));
  assert.equal(decoded.length, frames.length);
  decoded.forEach((d, i) => {
    const want = frames[i];
    for (const [k, v] of Object.entries(want)) {
      if (v instanceof Uint8Array) assert.deepEqual([...d[k]], [...v], `${want.type}.${k}`);
      else assert.equal(d[k], v, `${want.type}.${k}`);
    }
  });
});

test("frame: STREAM without OFF/LEN bits and DATAGRAM 0x30 are accepted", () => {
  // 0x08: no offset, no length: data runs to the end of the record
  const [s] = decodeRecord(hex("0804aabbcc"));
  assert.equal(s.type, "stream");
  assert.equal(s.offset, 0);
  assert.deepEqual([...s.data], [0xaa, 0xbb, 0xcc]);
  assert.equal(s.fin, false);
  const [s2] = decodeRecord(hex("0d0405aa"));
  assert.equal(s2.offset, 5);
  assert.equal(s2.fin, true);
  const [d] = decodeRecord(hex("30010203"));
  assert.equal(d.type, "datagram");
  assert.deepEqual([...d.data], [1, 2, 3]);
  const frames = decodeRecord(hex("000000" + "1005"));
  assert.equal(frames[0].type, "padding");
  assert.equal(frames[0].length, 3);
  assert.equal(frames[1].type, "max_data");
});

test("frame: unknown type and truncation are FRAME_ENCODING_ERROR", () => {
  const isFee = (e) => e instanceof QmuxError && e.code === ErrorCode.FRAME_ENCODING_ERROR;
  assert.throws(() => decodeRecord(hex("2a")), isFee);
  assert.throws(() => decodeRecord(hex("ff5153300d0a0d0b00")), isFee); // 8-byte type that is not ours
  assert.throws(() => decodeRecord(hex("0e0000" + "05aabb")), isFee); // length past the record
  assert.throws(() => decodeRecord(hex("04")), isFee);
  assert.throws(() => decodeRecord(hex("12" + "d000000000000001")), isFee); // MAX_STREAMS above 2^60
});

test("transport parameters: round trip, defaults and absent values", () => {
  const p = {
    maxIdleTimeout: 10000,
    initialMaxData: 5,
    initialMaxStreamDataBidiLocal: 6,
    initialMaxStreamDataBidiRemote: 7,
    initialMaxStreamDataUni: 8,
    initialMaxStreamsBidi: 9,
    initialMaxStreamsUni: 10,
    maxDatagramFrameSize: 1200,
    maxRecordSize: 65536,
    resetStreamAt: true,
  };
  assert.deepEqual(decodeTransportParameters(encodeTransportParameters(p)), p);
  assert.deepEqual(decodeTransportParameters(new Uint8Array(0)), { ...ABSENT_TRANSPORT_PARAMETERS });
  assert.equal(decodeTransportParameters(new Uint8Array(0)).maxRecordSize, 16382);
  // max_record_size id encodes as its 8-byte varint
  const enc = encodeTransportParameters({ maxRecordSize: 20000 });
  assert.equal(toHex(enc.subarray(0, 8)), "c571c59429cd0845");
});

const tpErr = (e) => e instanceof QmuxError && e.code === ErrorCode.TRANSPORT_PARAMETER_ERROR;

test("transport parameters: QUIC-only ids are TRANSPORT_PARAMETER_ERROR", () => {
  for (const id of [0x00, 0x02, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10]) {
    assert.throws(() => decodeTransportParameters(hex(`${id.toString(16).padStart(2, "0")}0100`)), tpErr, `id ${id}`);
  }
});

test("transport parameters: repeated id, bad value, small record size, non-empty reset_stream_at", () => {
  assert.throws(() => decodeTransportParameters(hex("040105" + "040106")), tpErr);
  assert.throws(() => decodeTransportParameters(hex("04020505")), tpErr); // value longer than its varint
  assert.throws(() => decodeTransportParameters(hex("0400")), tpErr); // empty integer value
  assert.equal(decodeTransportParameters(encodeTransportParameters({ maxRecordSize: 16383 })).maxRecordSize, 16383);
  // max_record_size 1000
  const small = new Uint8Array([...hex("c571c59429cd0845"), 2, ...hex("43e8")]);
  assert.throws(() => decodeTransportParameters(small), tpErr);
  assert.throws(() => decodeTransportParameters(hex("1d0100")), tpErr);
  assert.equal(decodeTransportParameters(hex("0408c000000000000001")).initialMaxData, 1); // non-minimal varint is fine
  assert.throws(() => decodeTransportParameters(hex("0808d000000000000001")), tpErr); // streams > 2^60
  assert.throws(() => decodeTransportParameters(hex("0405")), tpErr); // truncated
});

test("transport parameters: unknown ids are ignored", () => {
  const p = decodeTransportParameters(hex("2101ff" + "0401" + "21" + "4b2a00"));
  assert.equal(p.initialMaxData, 33);
});

test("subprotocols: offer order and parsing of the server's choice", () => {
  assert.deepEqual(offeredSubprotocols(["echo"]), ["qmux-02.echo", "qmux-01.echo", "qmux-02", "qmux-01"]);
  assert.deepEqual(offeredSubprotocols(["a", "b"], true), ["qmux-02.a", "qmux-01.a", "qmux-02.b", "qmux-01.b"]);
  assert.deepEqual(offeredSubprotocols([]), ["qmux-02", "qmux-01"]);
  const offered = offeredSubprotocols(["echo"]);
  assert.deepEqual(parseSelectedSubprotocol("qmux-01.echo", offered), { version: "qmux-01", protocol: "echo" });
  assert.deepEqual(parseSelectedSubprotocol("qmux-02", offered), { version: "qmux-02", protocol: "" });
  assert.equal(parseSelectedSubprotocol("", offered), null);
  assert.equal(parseSelectedSubprotocol("webtransport", offered), null);
  assert.equal(parseSelectedSubprotocol("qmux-02.chat", offered), null);
});
