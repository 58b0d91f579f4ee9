import test from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { SseParser, FallbackTransport, connect } from "../client.js";
import { startSseServer, enc, dec, readAll, writeAll, withTimeout, sleep } from "../test-support/helpers.mjs";

const sha = (b) => createHash("sha256").update(b).digest("hex");

function parse(chunks) {
  const events = [];
  const p = new SseParser((e) => events.push(e));
  for (const c of chunks) p.push(c);
  return events;
}

test("SSE parser: events, ids, comments, multi-line data, all line endings, split chunks", () => {
  const text = "\ufeff: hb\n\nevent: session\ndata: {\"a\":1}\n\nid: 0\ndata: AAEC\n\nid: 1\r\ndata: line1\r\ndata: line2\r\n\r\n: hb\r\rdata:x\rid\r\r";
  const whole = parse([text]);
  const bytewise = parse([...text]);
  for (const events of [whole, bytewise]) {
    assert.deepEqual(
      events.map((e) => [e.type, e.data, e.id]),
      [
        ["session", '{"a":1}', undefined],
        ["message", "AAEC", "0"],
        ["message", "line1\nline2", "1"],
        ["message", "x", ""],
      ],
    );
  }
});

test("SSE parser: an event without data is not dispatched, event type resets", () => {
  const events = parse(["event: close\n\n", "data: y\n\n"]);
  assert.deepEqual(events.map((e) => [e.type, e.data]), [["message", "y"]]);
});

async function sseTransport(server, extra = {}) {
  return connect({
    url: `http://127.0.0.1:${server.port}/wt`,
    sseUrl: "/wt-sse",
    protocols: ["echo"],
    transports: ["sse"],
    ...extra,
  });
}

test("SSE+POST: handshake, echo, uni, datagrams, 1 MiB with SHA-256, close by client", async () => {
  const server = await startSseServer();
  try {
    const t = await sseTransport(server);
    assert.equal(t.transport, "sse");
    assert.equal(t.protocol, "echo");
    assert.equal(t.reliability, "reliable-only");
    assert.equal(server.log.gets[0].query.protocols, "qmux-02.echo,qmux-01.echo,qmux-02,qmux-01");
    assert.equal(server.log.gets[0].query["fallback-reason"], undefined);
    assert.equal(server.log.gets[0].headers.accept, "text/event-stream");

    const { readable, writable } = await t.createBidirectionalStream();
    await writeAll(writable, enc("hello sse"));
    assert.equal(dec(await readAll(readable)), "hello sse");

    const uni = await t.createUnidirectionalStream();
    await writeAll(uni, enc("uni"));
    const { value } = await t.incomingUnidirectionalStreams.getReader().read();
    assert.equal(dec(await readAll(value)), "uni");

    const dw = t.datagrams.writable.getWriter();
    const dr = t.datagrams.readable.getReader();
    await dw.write(enc("dg"));
    assert.equal(dec((await dr.read()).value), "dg");

    const big = randomBytes(1024 * 1024);
    const s = await t.createBidirectionalStream();
    const t0 = Date.now();
    const [, back] = await Promise.all([writeAll(s.writable, big), readAll(s.readable)]);
    assert.equal(sha(back), sha(big));
    const ms = Date.now() - t0;
    const posts = server.log.posts;
    assert.ok(posts.every((p) => p.type === "application/octet-stream"));
    assert.deepEqual(
      posts.map((p) => p.seq),
      posts.map((_, i) => i),
      "sequences 0,1,2,... one at a time",
    );
    t.diagnostic = `1 MiB over SSE+POST in ${ms} ms, ${posts.length} POSTs`;

    t.close({ closeCode: 5, reason: "done" });
    assert.deepEqual(await t.closed, { closeCode: 5, reason: "done" });
    const entry = [...server.sessions.values()][0];
    assert.deepEqual(await withTimeout(entry.session.closed, 2000, "server closed"), { closeCode: 5, reason: "done" });
  } finally {
    await server.stop();
  }
});

test("SSE+POST: server-initiated close fulfils closed", async () => {
  const server = await startSseServer();
  try {
    const t = await sseTransport(server);
    const { writable } = await t.createBidirectionalStream();
    await writeAll(writable, enc("close-me"));
    assert.deepEqual(await withTimeout(t.closed, 3000, "closed"), { closeCode: 7, reason: "requested" });
  } finally {
    await server.stop();
  }
});

test("SSE+POST: a POST lost before it was applied is retried with the same sequence", async () => {
  const server = await startSseServer({ faults: { dropPostBeforeApply: 2 } });
  try {
    const t = await sseTransport(server, { postRetryDelays: [10, 10, 10] });
    const { readable, writable } = await t.createBidirectionalStream();
    await writeAll(writable, enc("retry"));
    assert.equal(dec(await withTimeout(readAll(readable), 3000, "echo")), "retry");
    const seqs = server.log.posts.map((p) => p.seq);
    assert.deepEqual(seqs.slice(0, 3), [0, 0, 0], `sequences ${seqs}`);
    t.close();
  } finally {
    await server.stop();
  }
});

test("SSE+POST: a POST applied but unanswered is retried and accepted as a duplicate", async () => {
  const server = await startSseServer({ faults: { dropPostAfterApply: 1 } });
  try {
    const t = await sseTransport(server, { postRetryDelays: [10, 10] });
    const { readable, writable } = await t.createBidirectionalStream();
    await writeAll(writable, enc("dup"));
    assert.equal(dec(await withTimeout(readAll(readable), 3000, "echo")), "dup");
    const seqs = server.log.posts.map((p) => p.seq);
    assert.equal(seqs[0], 0);
    assert.equal(seqs[1], 0, "same sequence again");
    assert.equal((await t.getStats()).post.duplicates, 1);
    t.close();
  } finally {
    await server.stop();
  }
});

test("SSE+POST: 409 with another expected sequence is fatal; 404 means the session is gone", async () => {
  for (const opts of [{ reply409Always: true }, { reply404: true }]) {
    const server = await startSseServer(opts);
    try {
      const t = new FallbackTransport({ url: `http://127.0.0.1:${server.port}/wt`, sseUrl: "/wt-sse", protocols: ["echo"], transports: ["sse"], sseTimeout: 1000 });
      // the transport parameters go in the first POST, so the handshake itself fails
      await assert.rejects(t.ready, (e) => /409|404|gone|expects/.test(e.message));
      assert.equal(t.fallbackReasons[0].transport, "sse");
    } finally {
      await server.stop();
    }
  }
});

test("SSE+POST: a refused GET and a stream without a session event fail the step", async () => {
  const refused = await startSseServer({ refuseGet: 503 });
  try {
    const t = new FallbackTransport({ url: `http://127.0.0.1:${refused.port}/wt`, sseUrl: "/wt-sse", transports: ["sse"] });
    await assert.rejects(t.ready);
    assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [["sse", "refused"]]);
  } finally {
    await refused.stop();
  }
  const silent = await startSseServer({ noSessionEvent: true });
  try {
    const t = new FallbackTransport({ url: `http://127.0.0.1:${silent.port}/wt`, sseUrl: "/wt-sse", transports: ["sse"], sseTimeout: 300 });
    await assert.rejects(t.ready);
    assert.deepEqual(t.fallbackReasons.map((r) => [r.transport, r.reason]), [["sse", "timeout"]]);
  } finally {
    await silent.stop();
  }
});

test("SSE+POST: the server going away rejects closed", async () => {
  const server = await startSseServer();
  const t = await sseTransport(server);
  await server.stop();
  await assert.rejects(withTimeout(t.closed, 3000, "closed"), (e) => e.source === "session");
  await sleep(10);
});
