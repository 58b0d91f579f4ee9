import test from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { ErrorCode, WebTransportError, encodeRecord } from "../client.js";
import { memoryPair, serveEcho, rawPeer, PEER_TP, enc, dec, readAll, writeAll, withTimeout, sleep } from "../test-support/helpers.mjs";

const sha = (b) => createHash("sha256").update(b).digest("hex");

async function echoPair(clientTp = {}, serverTp = {}) {
  const pair = memoryPair({ transportParameters: clientTp }, { transportParameters: serverTp });
  serveEcho(pair.server);
  await withTimeout(pair.client.ready, 2000, "ready");
  return pair;
}

async function echo(session, bytes, chunk) {
  const { readable, writable } = await session.createBidirectionalStream();
  const [, back] = await Promise.all([writeAll(writable, bytes, chunk), readAll(readable)]);
  return back;
}

// --- in-memory client/server pair ---------------------------------------------

test("pair: bidi echo, uni echo, datagrams, client close", async () => {
  const { client, server } = await echoPair();
  assert.equal(dec(await echo(client, enc("hello"))), "hello");

  const uni = await client.createUnidirectionalStream();
  const reader = client.incomingUnidirectionalStreams.getReader();
  await writeAll(uni, enc("one-way"));
  const { value: reply } = await reader.read();
  assert.equal(dec(await readAll(reply)), "one-way");

  const dw = client.datagrams.writable.getWriter();
  const dr = client.datagrams.readable.getReader();
  assert.equal(client.datagrams.maxDatagramSize, 16379);
  for (let i = 0; i < 5; i++) await dw.write(enc(`d${i}`));
  const got = [];
  for (let i = 0; i < 5; i++) got.push(dec((await dr.read()).value));
  assert.deepEqual(got.sort(), ["d0", "d1", "d2", "d3", "d4"]);

  client.close({ closeCode: 4242, reason: "bye" });
  assert.deepEqual(await client.closed, { closeCode: 4242, reason: "bye" });
  assert.deepEqual(await server.closed, { closeCode: 4242, reason: "bye" });
});

test("pair: server-initiated APPLICATION_CLOSE fulfils the client's closed", async () => {
  const { client } = await echoPair();
  const { readable, writable } = await client.createBidirectionalStream();
  await writeAll(writable, enc("close-me"));
  const closed = await withTimeout(client.closed, 2000, "closed");
  assert.deepEqual(closed, { closeCode: 7, reason: "requested" });
  await assert.rejects(readAll(readable), (e) => e instanceof WebTransportError && e.source === "session");
});

test("pair: 2 MiB with small windows: both sides respect credit and re-grant it", async () => {
  const small = { initialMaxData: 40000, initialMaxStreamDataBidiLocal: 20000, initialMaxStreamDataBidiRemote: 20000, initialMaxStreamDataUni: 20000 };
  const { client, server } = await echoPair(small, small);
  const data = randomBytes(2 * 1024 * 1024);
  const back = await withTimeout(echo(client, data, 50000), 20000, "echo");
  assert.equal(sha(back), sha(data));
  // a violation would have closed the session with FLOW_CONTROL_ERROR
  assert.equal(client.state, "open");
  assert.equal(server.state, "open");
  assert.ok(client.stats.recordsReceived > 100);
  client.close();
});

test("pair: 50 concurrent streams and 250 sequential ones past a limit of 10 (MAX_STREAMS returned)", async () => {
  const { client } = await echoPair({}, { initialMaxStreamsBidi: 10 });
  const payloads = Array.from({ length: 50 }, () => randomBytes(3000));
  const backs = await withTimeout(Promise.all(payloads.map((p) => echo(client, p))), 10000, "concurrent");
  backs.forEach((b, i) => assert.equal(sha(b), sha(payloads[i])));
  for (let i = 0; i < 250; i++) assert.equal(dec(await echo(client, enc(`#${i}`))), `#${i}`);
  assert.ok(client.localLimit.bidi >= 250, `limit now ${client.localLimit.bidi}`);
  client.close();
});

test("pair: writable.abort(code) resets; the peer's readable errors with that streamErrorCode", async () => {
  // take the server's streams ourselves: no echo service here
  const pair2 = memoryPair();
  await pair2.client.ready;
  const { writable } = await pair2.client.createBidirectionalStream();
  const w = writable.getWriter();
  await w.write(enc("partial"));
  const { value: peerStream } = await pair2.server.incomingBidirectionalStreams.getReader().read();
  const r = peerStream.readable.getReader();
  assert.equal(dec((await r.read()).value), "partial");
  await w.abort(new WebTransportError("x", { streamErrorCode: 26 }));
  await assert.rejects(r.read(), (e) => e instanceof WebTransportError && e.source === "stream" && e.streamErrorCode === 26);
  pair2.client.close();
});

test("pair: readable.cancel(code) sends STOP_SENDING; the peer's writable errors with that code", async () => {
  const { client, server } = memoryPair();
  await client.ready;
  const { readable, writable } = await client.createBidirectionalStream();
  await writable.getWriter().write(enc("x"));
  const { value: peerStream } = await server.incomingBidirectionalStreams.getReader().read();
  const pw = peerStream.writable.getWriter();
  await pw.write(enc("data"));
  await readable.cancel(new WebTransportError("stop", { streamErrorCode: 9 }));
  const err = await withTimeout(
    (async () => {
      for (;;) {
        try {
          await pw.write(enc("more"));
          await sleep(5);
        } catch (e) {
          return e;
        }
      }
    })(),
    2000,
    "stop",
  );
  assert.equal(err.streamErrorCode, 9);
  assert.equal(err.source, "stream");
  client.close();
});

test("pair: echoing a reset mirrors the code (the interop server's behaviour)", async () => {
  const { client } = await echoPair();
  const { readable, writable } = await client.createBidirectionalStream();
  const w = writable.getWriter();
  await w.write(enc("abc"));
  const r = readable.getReader();
  assert.equal(dec((await r.read()).value), "abc");
  await w.abort({ streamErrorCode: 26 });
  await assert.rejects(r.read(), (e) => e.streamErrorCode === 26);
  assert.equal(dec(await echo(client, enc("after"))), "after");
  client.close();
});

test("pair: createBidirectionalStream before ready waits for it", async () => {
  const pair = memoryPair();
  serveEcho(pair.server);
  const back = await echo(pair.client, enc("early"));
  assert.equal(dec(back), "early");
  pair.client.close();
});

// --- raw peer: flow-control accounting ---------------------------------------

test("flow control: sending stops at MAX_STREAM_DATA and MAX_DATA and resumes with new credit", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: { ...PEER_TP, initialMaxData: 1000, initialMaxStreamDataBidiRemote: 300 } });
  await p.session.ready;
  const { writable } = await p.session.createBidirectionalStream();
  const w = writable.getWriter();
  const done = w.write(new Uint8Array(2000));
  await p.settle();
  const sentBytes = () => p.sent.filter((f) => f.type === "stream").reduce((n, f) => n + f.data.length, 0);
  assert.equal(sentBytes(), 300);
  p.feed({ type: "max_stream_data", id: 0, max: 5000 });
  await p.settle();
  assert.equal(sentBytes(), 1000, "connection credit caps it");
  let resolved = false;
  done.then(() => (resolved = true));
  await p.settle();
  assert.equal(resolved, false, "the write waits for credit");
  p.feed({ type: "max_data", max: 3000 });
  await done;
  assert.equal(sentBytes(), 2000);
  const offsets = p.sent.filter((f) => f.type === "stream").map((f) => [f.offset, f.data.length]);
  let expect = 0;
  for (const [o, n] of offsets) {
    assert.equal(o, expect);
    expect += n;
  }
  p.session.close();
});

test("flow control: credit is granted back as the application reads (at half the window)", async () => {
  const p = rawPeer({ transportParameters: { initialMaxData: 1000, initialMaxStreamDataBidiRemote: 400 } });
  p.feed({ type: "transport_parameters", params: PEER_TP });
  await p.session.ready;
  p.feed({ type: "stream", id: 1, offset: 0, data: new Uint8Array(150), fin: false });
  const incoming = p.session.incomingBidirectionalStreams.getReader();
  const { value: s } = await incoming.read();
  const r = s.readable.getReader();
  await p.settle();
  assert.equal(p.sent.filter((f) => f.type === "max_stream_data").length, 0, "nothing read, nothing granted");
  assert.equal((await r.read()).value.length, 150);
  await p.settle();
  assert.equal(p.sent.filter((f) => f.type === "max_stream_data").length, 0, "150 < half of 400");
  p.feed({ type: "stream", id: 1, offset: 150, data: new Uint8Array(100), fin: false });
  assert.equal((await r.read()).value.length, 100);
  const msd = await p.waitFor((f) => f.type === "max_stream_data");
  assert.deepEqual([msd.id, msd.max], [1, 650]);
  // connection: 250 consumed of 1000 -> not yet; feed 300 more on a new stream and read it
  p.feed({ type: "stream", id: 5, offset: 0, data: new Uint8Array(300), fin: true });
  const { value: s2 } = await incoming.read();
  assert.equal((await readAll(s2.readable)).length, 300);
  const md = await p.waitFor((f) => f.type === "max_data");
  assert.equal(md.max, 1550);
  p.session.close();
});

test("flow control: MAX_STREAMS — the client waits for credit and returns credit for finished peer streams", async () => {
  const p = rawPeer({ transportParameters: { initialMaxStreamsBidi: 2 } });
  p.feed({ type: "transport_parameters", params: { ...PEER_TP, initialMaxStreamsBidi: 1 } });
  await p.session.ready;
  await p.session.createBidirectionalStream();
  let second = null;
  p.session.createBidirectionalStream().then((s) => (second = s));
  await p.settle();
  assert.equal(second, null, "blocked by the peer's MAX_STREAMS");
  p.feed({ type: "max_streams", bidi: true, max: 2 });
  await withTimeout((async () => { while (!second) await p.settle(); })(), 1000, "second stream");

  // the peer opens streams 1 and 5 (its limit is 2) and finishes them
  p.feed({ type: "stream", id: 1, offset: 0, data: enc("a"), fin: true }, { type: "stream", id: 5, offset: 0, data: enc("b"), fin: true });
  const incoming = p.session.incomingBidirectionalStreams.getReader();
  for (let i = 0; i < 2; i++) {
    const { value } = await incoming.read();
    await readAll(value.readable);
    await value.writable.close();
  }
  const ms = await p.waitFor((f) => f.type === "max_streams" && f.bidi && f.max === 4);
  assert.ok(ms);
  p.session.close();
});

// --- raw peer: violations are answered with CONNECTION_CLOSE ------------------

async function expectViolation(p, code) {
  const cc = await p.waitFor((f) => f.type === "connection_close");
  assert.equal(cc.code, code, `close code 0x${cc.code.toString(16)}: ${cc.reason}`);
  await assert.rejects(p.session.closed, (e) => e instanceof WebTransportError && e.source === "session");
  assert.equal(p.state.closed, true, "transport closed");
}

test("violation: a frame before QX_TRANSPORT_PARAMETERS", async () => {
  const p = rawPeer();
  p.feed({ type: "max_data", max: 5 });
  await expectViolation(p, ErrorCode.PROTOCOL_VIOLATION);
  await assert.rejects(p.session.ready);
});

test("violation: a second QX_TRANSPORT_PARAMETERS", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "transport_parameters", params: PEER_TP });
  await expectViolation(p, ErrorCode.PROTOCOL_VIOLATION);
});

test("violation: an unknown frame type", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feedBytes(Uint8Array.of(0x2a));
  await expectViolation(p, ErrorCode.FRAME_ENCODING_ERROR);
});

test("violation: a text message", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.session.receiveText("hi");
  await expectViolation(p, ErrorCode.PROTOCOL_VIOLATION);
});

test("violation: forbidden transport parameter", async () => {
  const p = rawPeer();
  // id 0x02 (stateless_reset_token) with 16 bytes
  const payload = Uint8Array.of(0x02, 0x10, ...new Uint8Array(16));
  p.feedBytes(Uint8Array.of(0xff, 0x51, 0x53, 0x30, 0x0d, 0x0a, 0x0d, 0x0a, payload.length, ...payload));
  await expectViolation(p, ErrorCode.TRANSPORT_PARAMETER_ERROR);
});

test("violation: stream data past the stream credit", async () => {
  const p = rawPeer({ transportParameters: { initialMaxStreamDataBidiRemote: 100 } });
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "stream", id: 1, offset: 0, data: new Uint8Array(101), fin: false });
  await expectViolation(p, ErrorCode.FLOW_CONTROL_ERROR);
});

test("violation: data past the connection credit", async () => {
  const p = rawPeer({ transportParameters: { initialMaxData: 150, initialMaxStreamDataBidiRemote: 100 } });
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "stream", id: 1, offset: 0, data: new Uint8Array(100), fin: false });
  p.feed({ type: "stream", id: 5, offset: 0, data: new Uint8Array(51), fin: false });
  await expectViolation(p, ErrorCode.FLOW_CONTROL_ERROR);
});

test("violation: a stream beyond the stream limit", async () => {
  const p = rawPeer({ transportParameters: { initialMaxStreamsBidi: 2 } });
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "stream", id: 9, offset: 0, data: enc("x"), fin: false });
  await expectViolation(p, ErrorCode.STREAM_LIMIT_ERROR);
});

test("violation: data on our own unidirectional stream, and a changed final size", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  await p.session.createUnidirectionalStream();
  p.feed({ type: "stream", id: 2, offset: 0, data: enc("x"), fin: false });
  await expectViolation(p, ErrorCode.STREAM_STATE_ERROR);

  const q = rawPeer();
  q.feed({ type: "transport_parameters", params: PEER_TP });
  q.feed({ type: "stream", id: 1, offset: 0, data: enc("abc"), fin: true });
  q.feed({ type: "reset_stream", id: 1, code: 0, finalSize: 5 });
  await expectViolation(q, ErrorCode.FINAL_SIZE_ERROR);
});

test("violation: a record larger than our max_record_size", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feedBytes(encodeRecord([{ type: "padding", length: 16383 }]));
  await expectViolation(p, ErrorCode.PROTOCOL_VIOLATION);
});

test("late frames for a finished peer stream do not resurrect it", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "stream", id: 3, offset: 0, data: enc("uni"), fin: true });
  const incoming = p.session.incomingUnidirectionalStreams.getReader();
  const { value } = await incoming.read();
  assert.equal(dec(await readAll(value)), "uni");
  p.feed({ type: "reset_stream", id: 3, code: 1, finalSize: 3 });
  p.feed({ type: "stream_data_blocked", id: 3, limit: 3 });
  await p.settle();
  let extra = false;
  incoming.read().then(() => (extra = true));
  await sleep(20);
  assert.equal(extra, false);
  assert.equal(p.session.state, "open");
  p.session.close();
});

test("CONNECTION_CLOSE from the peer rejects closed; APPLICATION_CLOSE fulfils it", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  p.feed({ type: "connection_close", code: 0x0a, frameType: 0, reason: "you broke it" });
  await assert.rejects(p.session.closed, (e) => e.source === "session" && /you broke it/.test(e.message));
  const q = rawPeer();
  q.feed({ type: "transport_parameters", params: PEER_TP });
  q.feed({ type: "application_close", code: 9, reason: "done" });
  assert.deepEqual(await q.session.closed, { closeCode: 9, reason: "done" });
});

test("a transport drop without a close frame rejects closed", async () => {
  const p = rawPeer();
  p.feed({ type: "transport_parameters", params: PEER_TP });
  await p.session.ready;
  p.session.transportClosed("socket reset");
  await assert.rejects(p.session.closed, /socket reset/);
});

// --- keep-alive ------------------------------------------------------------------

test("keep-alive: QX_PING after a third of the idle timeout, increasing sequences; pings answered", async () => {
  const p = rawPeer({ transportParameters: { maxIdleTimeout: 600 } });
  p.feed({ type: "transport_parameters", params: { ...PEER_TP, maxIdleTimeout: 300 } });
  await p.session.ready;
  assert.equal(p.session.idleTimeoutMs, 300);
  const t0 = Date.now();
  const first = await p.waitFor((f) => f.type === "ping_request");
  assert.ok(Date.now() - t0 >= 90, "not before a third of the timeout");
  p.feed({ type: "ping_response", sequence: first.sequence });
  const second = await p.waitFor((f) => f.type === "ping_request" && f !== first);
  assert.ok(second.sequence > first.sequence);
  p.feed({ type: "ping_request", sequence: 41 });
  const resp = await p.waitFor((f) => f.type === "ping_response");
  assert.equal(resp.sequence, 41);
  p.feed({ type: "ping_request", sequence: 41 });
  await expectViolation(p, ErrorCode.PROTOCOL_VIOLATION);
});

test("keep-alive: a silent peer is closed after the idle timeout", async () => {
  const p = rawPeer({ transportParameters: { maxIdleTimeout: 200 } });
  p.feed({ type: "transport_parameters", params: { ...PEER_TP, maxIdleTimeout: 0 } });
  await p.session.ready;
  const t0 = Date.now();
  await assert.rejects(withTimeout(p.session.closed, 2000, "idle close"), /idle timeout/);
  assert.ok(Date.now() - t0 >= 200);
  assert.ok(p.sent.some((f) => f.type === "ping_request"));
});

test("keep-alive: a pair with a short idle timeout stays up while idle", async () => {
  const { client, server } = await echoPair({ maxIdleTimeout: 150 }, { maxIdleTimeout: 150 });
  await sleep(600);
  assert.equal(client.state, "open");
  assert.equal(server.state, "open");
  assert.equal(dec(await echo(client, enc("still here"))), "still here");
  client.close();
});

test("pair: stream readables are byte streams: a BYOB reader works to the end", async () => {
  const { client } = await echoPair();
  const { readable, writable } = await client.createBidirectionalStream();
  const data = randomBytes(100000);
  const writing = writeAll(writable, data, 30000);
  const reader = readable.getReader({ mode: "byob" });
  const parts = [];
  let buf = new ArrayBuffer(7000);
  for (;;) {
    const { value, done } = await withTimeout(reader.read(new Uint8Array(buf)), 2000, "byob read");
    if (done) break;
    parts.push(value.slice());
    buf = value.buffer;
  }
  await writing;
  assert.equal(sha(Buffer.concat(parts)), sha(data));
  client.close();
});
