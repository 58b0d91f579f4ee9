// Interop client: drives a QMux-on-WebSocket echo server with @moq/qmux in the
// client role, the way a browser using the polyfill would, and checks that the
// server behaves like the sample app's echo service.
//
// Usage: node --experimental-websocket client.mjs <ws-url> [appProtocol] [--wire=qmux-02|qmux-01]
//
// Prints one "PASS name (figures)" or "FAIL name: why" line per check, then
// "N passed, N failed"; exits 0 only when every check passed. Diagnostics go
// to stderr so stdout stays machine-readable.
import "./shim.mjs";
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import Session, { StreamError } from "@moq/qmux";

const USAGE = "usage: node --experimental-websocket client.mjs <ws-url> [appProtocol] [--wire=qmux-02|qmux-01]";
const CHECK_TIMEOUT_MS = Number(process.env.INTEROP_CHECK_TIMEOUT_MS ?? 30_000);
const WATCHDOG_MS = Number(process.env.INTEROP_WATCHDOG_MS ?? 120_000);
const KIB = 1024;
const MIB = 1024 * KIB;

function note(message) {
  process.stderr.write(`[client] ${message}\n`);
}

function describe(err) {
  if (err === undefined || err === null) return String(err);
  const code = typeof err.streamErrorCode === "number" ? ` (stream error code ${err.streamErrorCode})` : "";
  const cause = err.cause instanceof Error ? ` caused by ${err.cause.message}` : "";
  return `${err.message ?? String(err)}${code}${cause}`;
}

// Logged, not fatal: the checks and the watchdog decide the outcome, but a
// rejection nobody awaited is often the first clue to what went wrong.
process.on("unhandledRejection", (reason) => note(`unhandled rejection: ${describe(reason)}`));
process.on("uncaughtException", (err) => note(`uncaught exception: ${err?.stack ?? describe(err)}`));

const positional = [];
let wire = null;
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith("--wire=")) wire = arg.slice("--wire=".length);
  else positional.push(arg);
}
const [url, appProtocol = "echo"] = positional;
if (!url || !/^wss?:\/\//.test(url) || (wire !== null && wire !== "qmux-02" && wire !== "qmux-01")) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const NativeWebSocket = globalThis.WebSocket;
if (typeof NativeWebSocket !== "function") {
  process.stderr.write(`no global WebSocket: run Node 20 with --experimental-websocket\n${USAGE}\n`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// The wire-format versions to offer. Both drafts by default; --wire pins one so
// each draft's framing can be exercised on its own.
const versions = wire ? [wire] : ["qmux-02", "qmux-01"];

// @moq/qmux dials through globalThis.WebSocket. Recording each socket it makes
// lets the report show what was offered and which token the server picked,
// which the Session API strips down to the bare app protocol.
const dialed = [];
globalThis.WebSocket = class RecordingWebSocket extends NativeWebSocket {
  constructor(target, protocols) {
    super(target, protocols);
    dialed.push({ offered: [].concat(protocols ?? []), socket: this });
  }
};

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A small FIFO that lets checks await the next server-opened stream or
// datagram even though a single pump owns the session's reader.
class Inbox {
  #items = [];
  #waiters = [];
  push(item) {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }
  next() {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  get size() {
    return this.#items.length;
  }
}

// One QMux session plus the pumps that drain what the server opens towards us.
class Peer {
  constructor(session, record) {
    this.session = session;
    this.offered = record?.offered ?? [];
    this.socket = record?.socket;
    this.uniInbox = new Inbox();
    this.datagramInbox = new Inbox();
    this.ended = false;
    session.closed.then(
      () => { this.ended = true; },
      () => { this.ended = true; },
    );
  }

  get wireProtocol() {
    return this.socket?.protocol ?? "?";
  }

  startPumps() {
    pump(this.session.incomingUnidirectionalStreams, (readable) => this.uniInbox.push(readable));
    pump(this.session.datagrams.readable, (datagram) => this.datagramInbox.push(datagram));
  }
}

async function pump(readable, deliver) {
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      deliver(value);
    }
  } catch {
    // These readables error when the session ends; `closed` says why.
  }
}

// Dials through the library's own URL path, exactly as an application would:
// the app protocol under each offered draft, plus the library's bare tokens.
async function openAppSession() {
  const before = dialed.length;
  const session = new Session(url, {
    protocols: [appProtocol],
    versions: { [appProtocol]: versions },
    requireProtocol: false,
  });
  const peer = new Peer(session, dialed[before]);
  await readyOrExplain(peer);
  peer.startPumps();
  return peer;
}

// The library's URL path always pairs an app protocol with the bare tokens and
// also adds qmux-00/webtransport, so offering only the bare QMux versions
// means opening the socket ourselves and handing it to the client role.
async function openBareSession() {
  const socket = new NativeWebSocket(url, versions);
  const peer = new Peer(new Session(socket), { offered: versions, socket });
  await readyOrExplain(peer);
  peer.startPumps();
  return peer;
}

async function readyOrExplain(peer) {
  try {
    await peer.session.ready;
  } catch (err) {
    throw new Error(`ready rejected (offered ${JSON.stringify(peer.offered)}): ${describe(err)}; upgrade-probe.mjs shows the server's HTTP answer`);
  }
}

async function readAll(readable, onProgress) {
  const reader = readable.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    onProgress?.(total);
  }
  return Buffer.concat(chunks, total);
}

async function echoOnce(peer, payload, progress) {
  progress.step = "opening a bidirectional stream (needs stream credit from the server's transport parameters or MAX_STREAMS)";
  const stream = await peer.session.createBidirectionalStream();
  progress.step = "stream opened";
  const writer = stream.writable.getWriter();
  const received = readAll(stream.readable, (n) => { progress.received = n; });
  // Awaited below; this only keeps a failed write from also reporting the
  // read's rejection as unhandled.
  received.catch(() => {});
  await writer.write(payload);
  progress.sent = payload.byteLength;
  await writer.close();
  progress.fin = true;
  return received;
}

function preview(bytes) {
  const text = Buffer.from(bytes.subarray(0, 32)).toString("latin1");
  return JSON.stringify(text) + (bytes.byteLength > 32 ? `... (${bytes.byteLength} bytes)` : "");
}

function mibps(bytes, ms) {
  return (bytes / MIB / (ms / 1000)).toFixed(1);
}

// The shared session for the data checks. Reusing one session on purpose makes
// the server hand back MAX_STREAMS credit: the checks open more bidirectional
// streams in total than @moq/qmux's default limit of 100. Should a check kill
// it, the next check gets a fresh one so failures stay independent.
let shared = null;
async function sharedPeer() {
  if (shared && !shared.ended) return shared;
  if (shared) note("the shared session has ended; opening a new one for the remaining checks");
  shared = await openAppSession();
  return shared;
}

const allPeers = [];
function track(peer) {
  allPeers.push(peer);
  return peer;
}

const checks = [
  {
    name: "handshake-app",
    async run(progress) {
      progress.step = "waiting for the WebSocket upgrade and ready";
      const peer = track(await openAppSession());
      progress.step = `ready, negotiated ${JSON.stringify(peer.wireProtocol)}`;
      if (peer.session.protocol !== appProtocol) {
        throw new Error(`protocol is ${JSON.stringify(peer.session.protocol)} (wire ${JSON.stringify(peer.wireProtocol)}), expected ${JSON.stringify(appProtocol)}; offered ${JSON.stringify(peer.offered)}`);
      }
      shared = peer;
      return `protocol ${JSON.stringify(peer.session.protocol)} via ${peer.wireProtocol}; offered ${peer.offered.join(",")}`;
    },
  },
  {
    name: "handshake-bare",
    async run(progress) {
      progress.step = "waiting for the WebSocket upgrade and ready";
      const peer = track(await openBareSession());
      progress.step = `ready, negotiated ${JSON.stringify(peer.wireProtocol)}`;
      if (peer.session.protocol !== "" || !versions.includes(peer.wireProtocol)) {
        throw new Error(`protocol is ${JSON.stringify(peer.session.protocol)} via ${JSON.stringify(peer.wireProtocol)}, expected "" via one of ${JSON.stringify(versions)}`);
      }
      // ready only means the WebSocket opened; an echo proves the QMux layer
      // (transport parameters, then stream frames) works on a bare token too.
      progress.step = "ready; echoing 5 bytes to prove the session works";
      const got = await echoOnce(peer, Buffer.from("hello"), progress);
      if (got.toString() !== "hello") throw new Error(`echo returned ${preview(got)}, expected "hello"`);
      peer.session.close({ closeCode: 0, reason: "done" });
      return `protocol "" via ${peer.wireProtocol}; offered ${peer.offered.join(",")}`;
    },
  },
  {
    name: "bidi-echo",
    async run(progress) {
      const peer = await sharedPeer();
      const started = performance.now();
      const got = await echoOnce(peer, Buffer.from("hello"), progress);
      if (got.toString() !== "hello") throw new Error(`received ${preview(got)}, expected "hello"`);
      return `"hello" in ${(performance.now() - started).toFixed(1)} ms`;
    },
  },
  {
    name: "uni-echo",
    async run(progress) {
      const peer = await sharedPeer();
      // Larger than one record, so the reply must be reassembled from several
      // STREAM frames.
      const payload = randomBytes(48 * KIB);
      const started = performance.now();
      progress.step = "opening a unidirectional stream (needs stream credit from the server)";
      const writer = (await peer.session.createUnidirectionalStream()).getWriter();
      progress.step = "stream opened";
      for (let offset = 0; offset < payload.byteLength; offset += 16 * KIB) {
        await writer.write(payload.subarray(offset, offset + 16 * KIB));
        progress.sent = offset + 16 * KIB;
      }
      await writer.close();
      progress.fin = true;
      progress.step = "waiting for the server to open a unidirectional stream";
      const incoming = await peer.uniInbox.next();
      progress.step = "server opened a unidirectional stream; reading it";
      const got = await readAll(incoming, (n) => { progress.received = n; });
      if (!got.equals(payload)) {
        throw new Error(`reply of ${got.byteLength} bytes differs from the ${payload.byteLength} sent (starts ${preview(got)})`);
      }
      return `${payload.byteLength} B in ${(performance.now() - started).toFixed(1)} ms`;
    },
  },
  {
    name: "bidi-100-concurrent",
    async run(progress) {
      const peer = await sharedPeer();
      const count = 100;
      const size = 4 * KIB;
      const payloads = Array.from({ length: count }, (_, i) => {
        const bytes = randomBytes(size);
        // Random bytes are distinct in practice; the index makes it certain.
        bytes.writeUInt32BE(i, 0);
        return bytes;
      });
      const pending = new Set(payloads.map((_, i) => i));
      let opened = 0;
      progress.describe = () => `${opened}/${count} streams opened, ${count - pending.size}/${count} echoed; still waiting on streams ${[...pending].slice(0, 20).join(",")}${pending.size > 20 ? ",..." : ""}`;
      const started = performance.now();
      // Each stream writes as soon as it opens instead of opening all first:
      // stream credit past the server's limit only comes back once earlier
      // streams have finished, so opening all before writing could deadlock.
      await Promise.all(payloads.map(async (payload, i) => {
        const stream = await peer.session.createBidirectionalStream();
        opened++;
        const writer = stream.writable.getWriter();
        const received = readAll(stream.readable);
        await writer.write(payload);
        await writer.close();
        const got = await received;
        if (!got.equals(payload)) {
          throw new Error(`stream ${i}: got ${got.byteLength} bytes that differ from the ${size} sent`);
        }
        pending.delete(i);
      }));
      const ms = performance.now() - started;
      return `${count} streams x ${size} B in ${ms.toFixed(0)} ms`;
    },
  },
  {
    name: "bidi-10MiB",
    async run(progress) {
      const peer = await sharedPeer();
      const total = 10 * MIB;
      const chunk = 64 * KIB;
      const payload = randomBytes(total);
      const sentHash = createHash("sha256").update(payload).digest("hex");
      let sent = 0;
      let received = 0;
      let opened = false;
      progress.describe = () => `${opened ? "stream opened" : "stream not opened yet (no stream credit from the server)"}; sent ${sent}/${total} B, received ${received} B`;
      const started = performance.now();
      const stream = await peer.session.createBidirectionalStream();
      opened = true;
      const reading = (async () => {
        const hash = createHash("sha256");
        const reader = stream.readable.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          hash.update(value);
          received += value.byteLength;
        }
        return hash.digest("hex");
      })();
      const writing = (async () => {
        const writer = stream.writable.getWriter();
        for (let offset = 0; offset < total; offset += chunk) {
          await writer.write(payload.subarray(offset, offset + chunk));
          sent = Math.min(offset + chunk, total);
        }
        await writer.close();
      })();
      const [receivedHash] = await Promise.all([reading, writing]);
      const ms = performance.now() - started;
      if (received !== total || receivedHash !== sentHash) {
        throw new Error(`received ${received} B with sha256 ${receivedHash}, sent ${total} B with sha256 ${sentHash}`);
      }
      return `${total} B round trip in ${ms.toFixed(0)} ms, ${mibps(total, ms)} MiB/s each way, sha256 ${sentHash.slice(0, 16)}...`;
    },
  },
  {
    name: "datagrams",
    async run(progress) {
      const peer = await sharedPeer();
      const count = 20;
      // The library discards outgoing datagrams until the server's transport
      // parameters say how large they may be; zero for good means no support.
      progress.step = "waiting for the server's max_datagram_frame_size";
      while (peer.session.datagrams.maxDatagramSize === 0) {
        if (peer.ended) throw new Error("session ended before datagram support was known");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const tag = randomBytes(4).toString("hex");
      const expected = new Map();
      for (let i = 0; i < count; i++) expected.set(`dgram-${tag}-${String(i).padStart(2, "0")}`, i);
      const missing = new Set(expected.values());
      const strays = [];
      progress.describe = () => `${count - missing.size}/${count} echoed; missing ${[...missing].join(",")}${strays.length ? `; ${strays.length} unexpected datagrams` : ""}`;
      const started = performance.now();
      const collecting = (async () => {
        while (missing.size > 0) {
          const datagram = Buffer.from(await peer.datagramInbox.next()).toString("latin1");
          if (expected.has(datagram)) missing.delete(expected.get(datagram));
          else strays.push(datagram);
        }
      })();
      const writer = peer.session.datagrams.writable.getWriter();
      for (const text of expected.keys()) {
        await writer.write(Buffer.from(text, "latin1"));
        // @moq/qmux drops an outgoing datagram while its socket writer still has
        // the previous frame in flight, which a tight loop always hits (half of
        // a burst vanishes locally). Yielding to the event loop between sends
        // keeps this check about the server's echo, not about that shedding.
        await new Promise((resolve) => setImmediate(resolve));
      }
      writer.releaseLock();
      await collecting;
      return `${count}/${count} echoed in ${(performance.now() - started).toFixed(0)} ms (maxDatagramSize ${peer.session.datagrams.maxDatagramSize})`;
    },
  },
  {
    name: "reset",
    async run(progress) {
      const peer = await sharedPeer();
      const stream = await peer.session.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      // Drain whatever the server echoes or resets, so the outcome can be
      // reported without the check depending on it.
      let echoed = 0;
      let inbound = "still open";
      const draining = readAll(stream.readable, (n) => { echoed = n; }).then(
        () => { inbound = `ended with FIN after ${echoed} B`; },
        (err) => { inbound = `ended with ${describe(err)} after ${echoed} B`; },
      );
      await writer.write(randomBytes(1000));
      progress.sent = 1000;
      await writer.abort(new StreamError(26));
      progress.step = "aborted with code 26; checking the session still echoes";
      const got = await echoOnce(peer, Buffer.from("still-alive"), progress);
      if (got.toString() !== "still-alive") throw new Error(`echo after reset returned ${preview(got)}, expected "still-alive"`);
      // Give the server's reaction a moment to arrive, for the report only.
      await Promise.race([draining, new Promise((resolve) => setTimeout(resolve, 200))]);
      return `session usable after RESET_STREAM 26; aborted stream's inbound half ${inbound}`;
    },
  },
  {
    name: "close-client",
    async run(progress) {
      const peer = track(await openAppSession());
      progress.step = "session ready; echoing once before closing";
      const got = await echoOnce(peer, Buffer.from("ping"), progress);
      if (got.toString() !== "ping") throw new Error(`echo returned ${preview(got)}, expected "ping"`);
      const socketClosed = new Promise((resolve) => {
        peer.socket.addEventListener("close", (event) => resolve(event.code), { once: true });
      });
      peer.session.close({ closeCode: 4242, reason: "bye" });
      progress.step = "close({4242, \"bye\"}) called; waiting for closed";
      const info = await peer.session.closed.catch((err) => {
        throw new Error(`closed rejected instead of fulfilling: ${describe(err)}`);
      });
      if (info.closeCode !== 4242 || info.reason !== "bye") {
        throw new Error(`closed fulfilled with ${JSON.stringify(info)}, expected {closeCode: 4242, reason: "bye"}`);
      }
      progress.step = "closed fulfilled; waiting for the WebSocket to close";
      const wsCode = await socketClosed;
      return `closed ${JSON.stringify(info)}, WebSocket closed with ${wsCode}`;
    },
  },
  {
    name: "close-server",
    async run(progress) {
      const peer = track(await openAppSession());
      progress.step = "session ready; sending \"close-me\" + FIN";
      const stream = await peer.session.createBidirectionalStream();
      const writer = stream.writable.getWriter();
      // The server may close before it sends FIN, which errors this readable.
      readAll(stream.readable, (n) => { progress.received = n; }).catch(() => {});
      await writer.write(Buffer.from("close-me", "ascii"));
      await writer.close();
      progress.fin = true;
      progress.step = "sent \"close-me\" + FIN; waiting for the server's APPLICATION_CLOSE";
      const info = await peer.session.closed.catch((err) => {
        throw new Error(`closed rejected, so no APPLICATION_CLOSE arrived (or the server sent CONNECTION_CLOSE): ${describe(err)}`);
      });
      if (info.closeCode !== 7 || info.reason !== "requested") {
        throw new Error(`closed fulfilled with ${JSON.stringify(info)}, expected {closeCode: 7, reason: "requested"}`);
      }
      return `closed ${JSON.stringify(info)}`;
    },
  },
];

const outcome = { passed: 0, failed: 0 };
let current = null;
let finished = false;

function report(name, ok, text) {
  if (ok) {
    outcome.passed++;
    console.log(`PASS ${name} (${text})`);
  } else {
    outcome.failed++;
    console.log(`FAIL ${name}: ${text}`);
  }
}

function progressText(progress) {
  if (progress.describe) return progress.describe();
  const parts = [];
  if (progress.step) parts.push(progress.step);
  if (progress.sent !== undefined) parts.push(`sent ${progress.sent} B${progress.fin ? " + FIN" : ""}`);
  if (progress.received !== undefined) parts.push(`received ${progress.received} B`);
  else if (progress.sent !== undefined) parts.push("received nothing");
  return parts.length ? parts.join("; ") : "nothing sent or received yet";
}

// Never hang: whatever is still running when the watchdog fires is reported
// with its progress, the checks not reached count as failed, and we exit 1.
const watchdog = setTimeout(() => {
  if (finished) return;
  const index = current ? checks.indexOf(current.check) : checks.length;
  if (current) {
    report(current.check.name, false, `watchdog fired after ${WATCHDOG_MS} ms with this check pending; ${progressText(current.progress)}`);
  }
  for (const check of checks.slice(index + 1)) report(check.name, false, "not run: watchdog fired first");
  console.log(`${outcome.passed} passed, ${outcome.failed} failed`);
  process.exit(1);
}, WATCHDOG_MS);

async function runAll() {
  note(`target ${url}, app protocol ${JSON.stringify(appProtocol)}, offering drafts ${versions.join(",")}`);
  for (const check of checks) {
    const progress = {};
    current = { check, progress };
    try {
      const figures = await withTimeout(check.run(progress), CHECK_TIMEOUT_MS, "check");
      report(check.name, true, figures);
    } catch (err) {
      report(check.name, false, `${describe(err)}; progress: ${progressText(progress)}`);
    }
    current = null;
  }
  finished = true;
  clearTimeout(watchdog);
  for (const peer of [shared, ...allPeers]) {
    try {
      peer?.session.close({ closeCode: 0, reason: "done" });
    } catch {
      // Already closed.
    }
  }
  console.log(`${outcome.passed} passed, ${outcome.failed} failed`);
  // @moq/qmux closes the WebSocket 100 ms after queueing APPLICATION_CLOSE and
  // keeps idle timers running, so exit explicitly once that has had time.
  setTimeout(() => process.exit(outcome.failed === 0 ? 0 : 1), 300);
}

runAll();
