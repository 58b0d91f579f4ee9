// Interop: this client against the @moq/qmux server role (interop/server.mjs,
// started here on 127.0.0.1 port 0) and, when WT_SAMPLE_URL is set (e.g.
// ws://127.0.0.1:8080/wt), against the Java sample app. WT_SAMPLE_SSE_URL
// (e.g. http://127.0.0.1:8080/wt-sse) adds the same checks over SSE+POST.
import test, { describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { connect } from "../client.js";
import { enc, dec, readAll, writeAll, withTimeout, sleep } from "../test-support/helpers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const interopDir = path.resolve(here, "../../interop");
const sha = (b) => createHash("sha256").update(b).digest("hex");
const CHECK_TIMEOUT = Number(process.env.INTEROP_CHECK_TIMEOUT_MS ?? 30000);
const figures = [];

if (typeof globalThis.WebSocket !== "function") {
  // Node 20 needs --experimental-websocket for a global WebSocket: run this file again with it.
  test("interop (re-run with --experimental-websocket)", { timeout: 300000 }, (t) => {
    const r = spawnSync(process.execPath, ["--experimental-websocket", "--test", "--test-reporter=spec", fileURLToPath(import.meta.url)], {
      encoding: "utf8",
      env: process.env,
      timeout: 290000,
    });
    for (const line of `${r.stdout}${r.stderr}`.split("\n")) if (line.trim()) t.diagnostic(line);
    assert.equal(r.status, 0, "interop run failed; see the diagnostics above");
  });
} else {
  defineAll();
}

function startMoqServer() {
  return new Promise((resolve, reject) => {
    const script = path.join(interopDir, "server.mjs");
    if (!existsSync(script)) return reject(new Error(`${script} not found`));
    if (!existsSync(path.join(interopDir, "node_modules", "@moq", "qmux"))) {
      return reject(new Error(`${interopDir}/node_modules is missing (run npm ci there)`));
    }
    const child = spawn(process.execPath, ["--experimental-websocket", script, "0"], { cwd: interopDir, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server.mjs printed no LISTENING line within 10 s; stderr: ${stderr}`));
    }, 10000);
    child.stderr.on("data", (d) => {
      stderr += d;
      if (process.env.INTEROP_VERBOSE) process.stderr.write(d);
    });
    child.stdout.on("data", (d) => {
      const m = /LISTENING (\d+)/.exec(String(d));
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), log: () => stderr });
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server.mjs exited with ${code}: ${stderr}`));
    });
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.stdin.end(); // server.mjs shuts down when its stdin closes
    setTimeout(() => child.kill("SIGTERM"), 2000).unref();
  });
}

async function echo(t, bytes, chunk) {
  const { readable, writable } = await t.createBidirectionalStream();
  const [, back] = await Promise.all([writeAll(writable, bytes, chunk), readAll(readable)]);
  return back;
}

/**
 * The checks, against one target. `target()` gives { name, options } where
 * options are connect() options selecting one transport.
 */
function defineChecks(label, target) {
  let shared = null;
  const open = (extra = {}) => connect({ protocols: ["echo"], ...target().options, ...extra });
  const check = (name, fn) =>
    test(name, { timeout: CHECK_TIMEOUT }, async (t) => {
      const why = target().skip;
      if (why) {
        t.diagnostic(`skipped: ${why}`);
        t.skip(why);
        return;
      }
      const figure = await fn(t);
      if (figure) {
        t.diagnostic(figure);
        figures.push(`${label} ${name}: ${figure}`);
      }
    });

  after(async () => {
    if (shared) {
      shared.close({ closeCode: 0, reason: "done" });
      await shared.closed.catch(() => {});
    }
  });

  const session = async () => (shared ??= await open());

  check("handshake-app: protocol echo", async () => {
    const t = await session();
    assert.equal(t.protocol, "echo");
    assert.equal(t.transport, target().transport);
    return `transport ${t.transport}, wire ${t.wireVersion}`;
  });

  check("handshake-bare: no app protocol", async () => {
    const t = await open({ protocols: [] });
    assert.equal(t.protocol, "");
    assert.equal(dec(await echo(t, enc("bare"))), "bare");
    t.close();
    return `wire ${t.wireVersion}`;
  });

  check("handshake-qmux-01: draft-01 wire format", async () => {
    const t = await open({ qmuxVersions: ["qmux-01"] });
    assert.equal(t.wireVersion, "qmux-01");
    assert.equal(t.protocol, "echo");
    assert.equal(dec(await echo(t, enc("draft one"))), "draft one");
    t.close();
  });

  check("bidi-echo", async () => {
    const t = await session();
    const back = await echo(t, enc("hello"));
    assert.equal(dec(back), "hello");
  });

  check("uni-echo: 48 KiB", async () => {
    const t = await session();
    const data = randomBytes(48 * 1024);
    const incoming = t.incomingUnidirectionalStreams.getReader();
    const w = await t.createUnidirectionalStream();
    await writeAll(w, data, 4096);
    const { value } = await incoming.read();
    incoming.releaseLock();
    assert.equal(sha(await readAll(value)), sha(data));
  });

  check("bidi-50-concurrent: 4 KiB each", async () => {
    const t = await session();
    const payloads = Array.from({ length: 50 }, () => randomBytes(4096));
    const t0 = performance.now();
    const backs = await Promise.all(payloads.map((p) => echo(t, p)));
    backs.forEach((b, i) => assert.equal(sha(b), sha(payloads[i]), `stream ${i}`));
    return `${(performance.now() - t0).toFixed(0)} ms`;
  });

  check("stream-credit: 150 sequential streams (more than the initial 100)", async () => {
    const t = await session();
    for (let i = 0; i < 150; i++) assert.equal(dec(await echo(t, enc(`n${i}`))), `n${i}`);
  });

  check("bidi-5MiB: SHA-256 of the echo", async () => {
    const t = await session();
    const data = randomBytes(5 * 1024 * 1024);
    const t0 = performance.now();
    const back = await echo(t, data, 65536);
    const ms = performance.now() - t0;
    assert.equal(back.length, data.length);
    assert.equal(sha(back), sha(data));
    return `5 MiB echoed in ${ms.toFixed(0)} ms (${((5 * 8) / (ms / 1000)).toFixed(1)} Mbit/s each way)`;
  });

  check("datagrams: 20 small ones come back", async () => {
    const t = await session();
    assert.ok(t.datagrams.maxDatagramSize > 1000, `maxDatagramSize ${t.datagrams.maxDatagramSize}`);
    const reader = t.datagrams.readable.getReader();
    const writer = t.datagrams.writable.getWriter();
    const want = new Set();
    for (let i = 0; i < 20; i++) {
      want.add(`dg-${i}`);
      await writer.write(enc(`dg-${i}`));
      await sleep(1);
    }
    const got = new Set();
    await withTimeout(
      (async () => {
        while (got.size < want.size) got.add(dec((await reader.read()).value));
      })(),
      5000,
      `datagrams (got ${got.size})`,
    ).catch((e) => assert.fail(`${e.message}: received ${[...got].join(",")}`));
    reader.releaseLock();
    writer.releaseLock();
    assert.deepEqual([...got].sort(), [...want].sort());
    return `maxDatagramSize ${t.datagrams.maxDatagramSize}`;
  });

  check("reset: abort with code 26 is mirrored, session goes on", async () => {
    const t = await session();
    const { readable, writable } = await t.createBidirectionalStream();
    const w = writable.getWriter();
    const r = readable.getReader();
    await w.write(enc("before reset"));
    assert.equal(dec((await r.read()).value), "before reset");
    await w.abort({ streamErrorCode: 26 });
    const err = await r.read().then(
      () => null,
      (e) => e,
    );
    assert.ok(err, "the echoed half was reset");
    assert.equal(err.source, "stream");
    assert.equal(err.streamErrorCode, 26);
    assert.equal(dec(await echo(t, enc("after reset"))), "after reset");
  });

  check("stop-sending: cancel with code 9 stops the peer's sender", async () => {
    const t = await session();
    const { readable, writable } = await t.createBidirectionalStream();
    const w = writable.getWriter();
    await w.write(enc("x"));
    const r = readable.getReader();
    await r.read();
    await r.cancel({ streamErrorCode: 9 });
    // The echo server's write now fails; it cancels its reader, so our writer gets STOP_SENDING.
    const err = await withTimeout(
      (async () => {
        for (;;) {
          try {
            await w.write(enc("more"));
            await sleep(10);
          } catch (e) {
            return e;
          }
        }
      })(),
      5000,
      "writer error",
    );
    assert.equal(err.source, "stream");
    assert.equal(typeof err.streamErrorCode, "number");
    assert.equal(dec(await echo(t, enc("after stop"))), "after stop");
    return `peer answered with STOP_SENDING code ${err.streamErrorCode}`;
  });

  check("close-client: 4242 bye", async () => {
    const t = await open();
    t.close({ closeCode: 4242, reason: "bye" });
    assert.deepEqual(await t.closed, { closeCode: 4242, reason: "bye" });
  });

  check("close-server: close-me -> 7 requested", async () => {
    const t = await open();
    const { writable } = await t.createBidirectionalStream();
    await writeAll(writable, enc("close-me"));
    assert.deepEqual(await withTimeout(t.closed, 5000, "closed"), { closeCode: 7, reason: "requested" });
  });
}

function defineAll() {
  describe("interop: @moq/qmux server role (interop/server.mjs)", () => {
    let server = null;
    let skip = null;
    before(async () => {
      try {
        server = await startMoqServer();
      } catch (err) {
        skip = `cannot start interop/server.mjs: ${err.message}`;
        console.log(`# ${skip}`);
      }
    });
    after(async () => {
      if (server) await stopChild(server.child);
    });
    defineChecks("moq", () => ({
      skip,
      transport: "websocket",
      options: { url: `ws://127.0.0.1:${server?.port}/wt`, transports: ["websocket"] },
    }));
  });

  const sampleUrl = process.env.WT_SAMPLE_URL;
  describe("interop: Java sample app over WebSocket (WT_SAMPLE_URL)", () => {
    const skip = sampleUrl ? null : "WT_SAMPLE_URL is not set";
    if (skip) console.log(`# Java sample app checks skipped: ${skip}`);
    defineChecks("java-ws", () => ({ skip, transport: "websocket", options: { url: sampleUrl, transports: ["websocket"] } }));
  });

  const sampleSse = process.env.WT_SAMPLE_SSE_URL;
  describe("interop: Java sample app over SSE+POST (WT_SAMPLE_SSE_URL)", () => {
    const skip = sampleSse ? null : "WT_SAMPLE_SSE_URL is not set";
    if (skip) console.log(`# Java sample app SSE checks skipped: ${skip}`);
    defineChecks("java-sse", () => ({ skip, transport: "sse", options: { url: sampleSse, sseUrl: sampleSse, transports: ["sse"] } }));
  });

  after(() => {
    if (figures.length > 0) console.log(["# interop figures:", ...figures.map((f) => `#   ${f}`)].join("\n"));
  });
}
