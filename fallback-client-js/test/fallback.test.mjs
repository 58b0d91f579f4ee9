import test from "node:test";
import assert from "node:assert/strict";
import { FallbackTransport, connect, WebTransportError } from "../client.js";
import { fakeWebSocketClass, pickProtocol, startSseServer, enc, dec, readAll, writeAll, withTimeout } from "../test-support/helpers.mjs";

const hangingWS = () => fakeWebSocketClass(() => ({ kind: "hang" }));
const echoWS = (extra = {}) => fakeWebSocketClass((url, offered) => ({ kind: "open", protocol: pickProtocol(offered), ...extra }));

async function echoOnce(t, text) {
  const { readable, writable } = await t.createBidirectionalStream();
  await writeAll(writable, enc(text));
  return dec(await readAll(readable));
}

test("chain: WebTransport absent -> 'unsupported'; WebSocket used, reason passed as fallback-reason", async () => {
  const WS = echoWS();
  const t = await connect("https://app.test/wt", { protocols: ["echo"], WebTransport: undefined, WebSocket: WS, webTransportUrl: "https://app.test/wt" });
  assert.equal(t.transport, "websocket");
  assert.equal(t.protocol, "echo");
  assert.equal(t.wireVersion, "qmux-02");
  assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [["webtransport", "unsupported"]]);
  const ws = WS.instances[0];
  const url = new URL(ws.url);
  assert.equal(url.protocol, "wss:");
  assert.equal(url.pathname, "/wt");
  assert.equal(url.searchParams.get("fallback-reason"), "webtransport-unsupported");
  assert.deepEqual(ws.offered, ["qmux-02.echo", "qmux-01.echo", "qmux-02", "qmux-01"]);
  assert.equal(await echoOnce(t, "via fake ws"), "via fake ws");
  t.close({ closeCode: 1, reason: "x" });
  assert.deepEqual(await t.closed, { closeCode: 1, reason: "x" });
});

test("chain: WebSocket that never opens -> 'timeout' after the configured timeout -> SSE, reasons reach the server", async () => {
  const server = await startSseServer();
  try {
    const WS = hangingWS();
    const events = [];
    const t0 = Date.now();
    const t = await connect({
      url: `http://127.0.0.1:${server.port}/wt`,
      sseUrl: "/wt-sse",
      protocols: ["echo"],
      webSocketTimeout: 300,
      WebTransport: undefined,
      WebSocket: WS,
      onEvent: (type, detail) => events.push([type, detail]),
    });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 300 && elapsed < 3000, `took ${elapsed} ms`);
    assert.equal(t.transport, "sse");
    assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [
      ["webtransport", "unsupported"],
      ["websocket", "timeout"],
    ]);
    assert.equal(WS.instances.length, 1);
    assert.equal(WS.instances[0].readyState, 3, "the abandoned WebSocket was closed");
    assert.equal(server.log.gets[0].query["fallback-reason"], "webtransport-unsupported,websocket-timeout");
    assert.ok(events.some(([type, d]) => type === "fallback" && d.transport === "websocket" && d.reason === "timeout"));
    assert.equal(await echoOnce(t, "via sse"), "via sse");
    t.close();
    await t.closed;
  } finally {
    await server.stop();
  }
});

test("chain: native WebTransport is used first when present and configured", async () => {
  const made = [];
  class FakeWT {
    constructor(url, init) {
      made.push([url, init]);
      this.ready = Promise.resolve();
      this.closed = new Promise(() => {});
      this.protocol = "echo";
      this.incomingBidirectionalStreams = new ReadableStream();
      this.incomingUnidirectionalStreams = new ReadableStream();
      this.datagrams = { readable: new ReadableStream(), writable: new WritableStream(), maxDatagramSize: 1200 };
    }
    async createBidirectionalStream() {
      return "native-stream";
    }
  }
  const WS = echoWS();
  const t = await connect("https://app.test/wt", { protocols: ["echo"], webTransportUrl: "https://app.test:4433/wt", WebTransport: FakeWT, WebSocket: WS });
  assert.equal(t.transport, "webtransport");
  assert.deepEqual(t.fallbackReasons, []);
  assert.equal(made[0][0], "https://app.test:4433/wt");
  assert.deepEqual(made[0][1].protocols, ["echo"]);
  assert.equal(await t.createBidirectionalStream(), "native-stream");
  assert.equal(t.datagrams.maxDatagramSize, 1200);
  assert.equal(WS.instances.length, 0, "no WebSocket was tried");
});

test("chain: WebTransport present but no webTransportUrl -> 'not-configured', not sent to the server", async () => {
  class FakeWT {}
  const WS = echoWS();
  const t = await connect("https://app.test/wt", { WebTransport: FakeWT, WebSocket: WS });
  assert.deepEqual(t.fallbackReasons.map((r) => r.reason), ["not-configured"]);
  assert.equal(new URL(WS.instances[0].url).searchParams.get("fallback-reason"), null);
  assert.equal(t.protocol, "");
  t.close();
});

test("chain: WebTransport that hangs -> 'timeout'; one that fails -> 'refused'", async () => {
  let closedCalls = 0;
  class HangingWT {
    constructor() {
      this.ready = new Promise(() => {});
      this.closed = new Promise(() => {});
    }
    close() {
      closedCalls++;
    }
  }
  const t = await connect("https://app.test/wt", { webTransportUrl: "https://app.test/wt", webTransportTimeout: 100, WebTransport: HangingWT, WebSocket: echoWS() });
  assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [["webtransport", "timeout"]]);
  assert.equal(closedCalls, 1);
  t.close();
  class FailingWT {
    constructor() {
      this.ready = Promise.reject(new Error("net::ERR_QUIC_PROTOCOL_ERROR"));
      this.closed = this.ready;
    }
    close() {}
  }
  const WS = echoWS();
  const t2 = await connect("https://app.test/wt", { webTransportUrl: "https://app.test/wt", WebTransport: FailingWT, WebSocket: WS });
  assert.deepEqual(t2.fallbackReasons.map((r) => [r.transport, r.reason]), [["webtransport", "refused"]]);
  assert.equal(new URL(WS.instances[0].url).searchParams.get("fallback-reason"), "webtransport-refused");
  t2.close();
});

test("chain: refused WebSocket -> 'refused'; no subprotocol selected -> 'error'; all failing rejects ready", async () => {
  const refused = fakeWebSocketClass(() => ({ kind: "refuse" }));
  const t = new FallbackTransport("ws://127.0.0.1:9/wt", { WebTransport: undefined, WebSocket: refused, transports: ["webtransport", "websocket", "sse"] });
  await assert.rejects(t.ready, (e) => e instanceof WebTransportError && e.source === "session" && Array.isArray(e.fallbackReasons));
  await assert.rejects(t.closed);
  assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [
    ["webtransport", "unsupported"],
    ["websocket", "refused"],
    ["sse", "not-configured"],
  ]);
  assert.equal(t.transport, null);

  const noProto = fakeWebSocketClass(() => ({ kind: "open", protocol: "" }));
  const t2 = new FallbackTransport("ws://127.0.0.1:9/wt", { WebSocket: noProto, transports: ["websocket"] });
  await assert.rejects(t2.ready);
  assert.equal(t2.fallbackReasons[0].reason, "error");
  assert.match(t2.fallbackReasons[0].detail, /subprotocol/);
  assert.equal(noProto.instances[0].readyState, 3);

  const wrongProto = fakeWebSocketClass(() => ({ kind: "open", protocol: "qmux-02.chat" }));
  const t3 = new FallbackTransport("ws://127.0.0.1:9/wt", { WebSocket: wrongProto, protocols: ["echo"], transports: ["websocket"] });
  await assert.rejects(t3.ready);
  assert.equal(t3.fallbackReasons[0].reason, "error");
});

test("chain: a WebSocket whose peer never sends transport parameters times out", async () => {
  const mute = fakeWebSocketClass(() => ({ kind: "open", protocol: "qmux-02", mute: true }));
  const t = new FallbackTransport("ws://127.0.0.1:9/wt", { WebSocket: mute, transports: ["websocket"], webSocketTimeout: 200 });
  await assert.rejects(t.ready);
  assert.deepEqual(t.fallbackReasons.map((r) => r.reason), ["timeout"]);
  assert.equal(mute.instances[0].readyState, 3);
});

test("chain: requireProtocol offers no bare tokens; transports option is validated", async () => {
  const WS = echoWS();
  const t = await connect("ws://127.0.0.1:9/wt", { protocols: ["echo", "chat"], requireProtocol: true, WebSocket: WS, transports: ["websocket"] });
  assert.deepEqual(WS.instances[0].offered, ["qmux-02.echo", "qmux-01.echo", "qmux-02.chat", "qmux-01.chat"]);
  t.close();
  assert.throws(() => new FallbackTransport("ws://x/wt", { transports: ["carrier-pigeon"] }), TypeError);
  assert.throws(() => new FallbackTransport("ws://x/wt", { transports: [] }), TypeError);
  assert.throws(() => new FallbackTransport("ws://x/wt", { protocols: ["bad token"] }), TypeError);
});

test("chain: close() while connecting rejects ready and stops the chain", async () => {
  const WS = hangingWS();
  const t = new FallbackTransport("ws://127.0.0.1:9/wt", { WebSocket: WS, transports: ["websocket", "sse"], sseUrl: "/never" });
  await new Promise((r) => setTimeout(r, 20));
  t.close();
  await assert.rejects(t.ready);
  await assert.rejects(t.closed);
  assert.equal(WS.instances[0].readyState, 3);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(t.transport, null);
  assert.deepEqual(t.fallbackReasons, [], "closing is not a fallback");
});

test("chain: streams and datagrams requested before ready are served once it is", async () => {
  const t = new FallbackTransport("ws://127.0.0.1:9/wt", { protocols: ["echo"], WebSocket: echoWS({ delay: 30 }), transports: ["websocket"] });
  const bidi = t.createBidirectionalStream();
  const dw = t.datagrams.writable.getWriter();
  const dr = t.datagrams.readable.getReader();
  const sent = dw.write(enc("early datagram"));
  const { readable, writable } = await bidi;
  await writeAll(writable, enc("early"));
  assert.equal(dec(await readAll(readable)), "early");
  await sent;
  assert.equal(dec((await withTimeout(dr.read(), 1000, "datagram")).value), "early datagram");
  assert.equal(t.datagrams.maxDatagramSize, 16379);
  t.close();
});
