// Test support: in-memory engine pairs, an echo service for the server role, a
// scripted raw peer, a fake WebSocket wired to an in-memory server, and a
// loopback SSE+POST mock server. Everything stays inside this process or on
// 127.0.0.1 servers started here.
import http from "node:http";
import {
  QmuxSession,
  decodeRecord,
  encodeRecord,
  varintLength,
  decodeVarint,
  offeredSubprotocols,
} from "../client.js";

export const enc = (text) => new TextEncoder().encode(text);
export const dec = (bytes) => new TextDecoder().decode(bytes);

export function withTimeout(promise, ms, what = "operation") {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reads a ReadableStream of bytes to the end; returns one Uint8Array. */
export async function readAll(readable) {
  const parts = [];
  let n = 0;
  for await (const c of readable) {
    parts.push(c);
    n += c.length;
  }
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

export async function writeAll(writable, bytes, chunk = 65536) {
  const w = writable.getWriter();
  for (let o = 0; o < bytes.length; o += chunk) await w.write(bytes.subarray(o, o + chunk));
  await w.close();
}

/** An in-memory record transport: records are delivered on a later macrotask. */
function memoryLink() {
  const link = { a: null, b: null, closed: false, frames: { a: [], b: [] }, tap: false };
  const make = (side, other) => {
    let pending = 0;
    return {
      send(record) {
        if (link.closed) throw new Error("link closed");
        const copy = record.slice();
        if (link.tap) link.frames[side].push(...decodeRecord(copy));
        pending += copy.length;
        setImmediate(() => {
          pending -= copy.length;
          link[other]?.receiveRecord(copy);
        });
      },
      get bufferedAmount() {
        return pending;
      },
      close() {
        if (link.closed) return;
        link.closed = true;
        setImmediate(() => {
          link.a?.transportClosed("link closed");
          link.b?.transportClosed("link closed");
        });
      },
    };
  };
  return { link, ta: make("a", "b"), tb: make("b", "a") };
}

/** Two engines, client (a) and server (b), over an in-memory link. */
export function memoryPair(clientOptions = {}, serverOptions = {}) {
  const { link, ta, tb } = memoryLink();
  const client = new QmuxSession({ role: "client", ...clientOptions });
  const server = new QmuxSession({ role: "server", ...serverOptions });
  link.a = client;
  link.b = server;
  client.attach(ta);
  server.attach(tb);
  return { client, server, link };
}

/** The echo behaviour of interop/server.mjs, on one of our engines in the server role. */
export function serveEcho(session) {
  const CLOSE_ME = "close-me";
  const each = async (incoming, handle) => {
    const reader = incoming.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        handle(value).catch(() => {});
      }
    } catch {
      // session over
    }
  };
  const pump = async (readable, writer, onChunk) => {
    const reader = readable.getReader();
    for (;;) {
      let r;
      try {
        r = await reader.read();
      } catch (err) {
        await writer.abort(err).catch(() => {});
        return false;
      }
      if (r.done) return true;
      onChunk?.(r.value);
      try {
        await writer.write(r.value);
      } catch (err) {
        await reader.cancel(err).catch(() => {});
        return false;
      }
    }
  };
  session.ready.then(() => {
    each(session.incomingBidirectionalStreams, async ({ readable, writable }) => {
      const writer = writable.getWriter();
      let head = "";
      let total = 0;
      const ok = await pump(readable, writer, (c) => {
        total += c.length;
        if (head.length <= CLOSE_ME.length) head += dec(c.subarray(0, 16));
      });
      if (!ok) return;
      if (total === CLOSE_ME.length && head === CLOSE_ME) {
        session.close({ closeCode: 7, reason: "requested" });
        return;
      }
      await writer.close();
    });
    each(session.incomingUnidirectionalStreams, async (readable) => {
      const writer = (await session.createUnidirectionalStream()).getWriter();
      if (await pump(readable, writer)) await writer.close();
    });
    (async () => {
      const reader = session.datagrams.readable.getReader();
      const writer = session.datagrams.writable.getWriter();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          await writer.write(value);
        }
      } catch {
        // over
      }
    })();
  }, () => {});
}

/**
 * A raw peer for one client engine: the test feeds frames, and sees what the
 * engine sends as decoded frames.
 */
export function rawPeer(options = {}) {
  const sent = [];
  const waiters = [];
  const state = { closed: false };
  const session = new QmuxSession({ role: "client", ...options });
  session.attach({
    send(record) {
      const frames = decodeRecord(record);
      sent.push(...frames);
      for (const w of [...waiters]) w();
    },
    get bufferedAmount() {
      return 0;
    },
    close() {
      state.closed = true;
    },
  });
  const feed = (...frames) => session.receiveRecord(encodeRecord(frames));
  const feedBytes = (bytes) => session.receiveRecord(bytes);
  /** Waits until a sent frame matches `pred`; returns it. */
  const waitFor = (pred, ms = 2000) =>
    withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const f = sent.find(pred);
          if (f) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve(f);
          }
        };
        waiters.push(check);
        check();
      }),
      ms,
      "waiting for a frame",
    );
  const settle = () => new Promise((r) => setImmediate(r));
  return { session, sent, feed, feedBytes, waitFor, state, settle };
}

export const PEER_TP = {
  maxIdleTimeout: 0,
  initialMaxData: 1 << 20,
  initialMaxStreamDataBidiLocal: 1 << 18,
  initialMaxStreamDataBidiRemote: 1 << 18,
  initialMaxStreamDataUni: 1 << 18,
  initialMaxStreamsBidi: 100,
  initialMaxStreamsUni: 100,
  maxDatagramFrameSize: 16382,
};

/**
 * A fake WebSocket class. `behaviour(url, protocols)` decides per instance:
 *   { kind: "hang" } never opens; { kind: "refuse" } fails like a refused upgrade;
 *   { kind: "open", protocol, serverOptions, onServer } opens and runs one of our
 *   engines in the server role behind it (echo service unless onServer is given).
 */
export function fakeWebSocketClass(behaviour) {
  const instances = [];
  class FakeWebSocket {
    constructor(url, protocols) {
      this.url = url;
      this.offered = protocols;
      this.protocol = "";
      this.readyState = 0;
      this.binaryType = "blob";
      this.bufferedAmount = 0;
      this.onopen = this.onclose = this.onmessage = this.onerror = null;
      instances.push(this);
      const b = behaviour(url, protocols);
      this.behaviour = b;
      if (b.kind === "refuse") {
        setTimeout(() => {
          this.readyState = 3;
          this.onerror?.({ type: "error" });
          this.onclose?.({ code: 1006, reason: "" });
        }, b.delay ?? 5);
      } else if (b.kind === "open") {
        setTimeout(() => {
          if (this.readyState !== 0) return;
          this.readyState = 1;
          this.protocol = b.protocol ?? "";
          const server = new QmuxSession({ role: "server", version: "qmux-02", ...(b.serverOptions ?? {}) });
          this.server = server;
          server.attach({
            send: (record) => {
              if (b.mute) return;
              const copy = record.slice();
              setImmediate(() => {
                if (this.readyState === 1) this.onmessage?.({ data: copy.buffer });
              });
            },
            get bufferedAmount() {
              return 0;
            },
            close: () => this._closeFromServer(),
          });
          (b.onServer ?? serveEcho)(server);
          this.onopen?.({ type: "open" });
        }, b.delay ?? 5);
      }
    }

    send(data) {
      if (this.readyState !== 1) throw new Error("not open");
      const bytes = new Uint8Array(data.buffer ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data);
      setImmediate(() => this.server?.receiveRecord(bytes));
    }

    close() {
      if (this.readyState >= 2) return;
      const wasOpen = this.readyState === 1;
      this.readyState = 3;
      setImmediate(() => {
        this.server?.transportClosed("client closed");
        this.onclose?.({ code: wasOpen ? 1000 : 1006, reason: "" });
      });
    }

    _closeFromServer() {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      setImmediate(() => this.onclose?.({ code: 1000, reason: "" }));
    }
  }
  FakeWebSocket.instances = instances;
  return FakeWebSocket;
}

/** Picks the server's subprotocol from an offer, preferring prefixed tokens and newer drafts. */
export function pickProtocol(offered, app = "echo") {
  const prefs = [`qmux-02.${app}`, `qmux-01.${app}`, "qmux-02", "qmux-01"];
  return prefs.find((p) => offered.includes(p));
}

function concat(parts) {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * Loopback SSE+POST server running our engine in the server role (echo service).
 * Options: faults = { dropPostBeforeApply: n, dropPostAfterApply: n, reply409Always, reply404 },
 * refuseGet: status, noSessionEvent, heartbeatMs.
 */
export async function startSseServer(options = {}) {
  const sessions = new Map();
  const log = { gets: [], posts: [] };
  const faults = { dropPostBeforeApply: 0, dropPostAfterApply: 0, ...(options.faults ?? {}) };
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/wt-sse") {
      log.gets.push({ query: Object.fromEntries(url.searchParams), headers: req.headers });
      if (options.refuseGet) {
        res.writeHead(options.refuseGet).end();
        return;
      }
      const offered = (url.searchParams.get("protocols") ?? "").split(",").filter(Boolean);
      const protocol = options.selectProtocol ? options.selectProtocol(offered) : pickProtocol(offered);
      if (protocol === undefined) {
        res.writeHead(400).end("no protocol");
        return;
      }
      const id = `s${nextId++}`;
      res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store" });
      res.flushHeaders();
      if (options.noSessionEvent) return;
      res.write(`event: session\ndata: ${JSON.stringify({ id, protocol, post: `/wt-sse/${id}` })}\n\n`);
      let eventId = 0;
      const entry = { res, expected: 0, session: null, closed: false };
      const session = new QmuxSession({ role: "server", version: protocol.startsWith("qmux-01") ? "qmux-01" : "qmux-02", ...(options.serverOptions ?? {}) });
      entry.session = session;
      sessions.set(id, entry);
      const hb = setInterval(() => res.write(": hb\n\n"), options.heartbeatMs ?? 200);
      const end = (code, reason) => {
        if (entry.closed) return;
        entry.closed = true;
        clearInterval(hb);
        res.write(`event: close\ndata: ${JSON.stringify({ code, reason })}\n\n`);
        res.end();
      };
      entry.end = end;
      session.attach({
        send(record) {
          if (entry.closed) return;
          const b64 = Buffer.from(record).toString("base64");
          // split data across lines now and then, as the SSE format allows
          res.write(`id: ${eventId++}\ndata: ${b64}\n\n`);
        },
        get bufferedAmount() {
          return res.writableLength;
        },
        close() {
          setTimeout(() => end(0, "session closed"), 10);
        },
      });
      (options.onSession ?? serveEcho)(session);
      req.on("close", () => {
        clearInterval(hb);
        entry.closed = true;
        session.transportClosed("SSE client went away");
      });
      return;
    }
    const m = /^\/wt-sse\/(s\d+)$/.exec(url.pathname);
    if (req.method === "POST" && m) {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const seq = Number(req.headers["qmux-sequence"]);
        log.posts.push({ seq, type: req.headers["content-type"], bytes: chunks.reduce((n, c) => n + c.length, 0) });
        const entry = sessions.get(m[1]);
        if (!entry || options.reply404) {
          res.writeHead(404).end();
          return;
        }
        if (faults.dropPostBeforeApply > 0) {
          faults.dropPostBeforeApply--;
          req.socket.destroy();
          return;
        }
        if (options.reply409Always) {
          res.writeHead(409, { "QMux-Expected-Sequence": "999" }).end();
          return;
        }
        if (seq < entry.expected) {
          res.writeHead(204, { "QMux-Duplicate": "true" }).end();
          return;
        }
        if (seq > entry.expected) {
          res.writeHead(409, { "QMux-Expected-Sequence": String(entry.expected) }).end();
          return;
        }
        entry.expected++;
        const body = new Uint8Array(Buffer.concat(chunks));
        let pos = 0;
        const records = [];
        while (pos < body.length) {
          const { value, length } = decodeVarint(body, pos);
          pos += length;
          records.push(body.subarray(pos, pos + value));
          pos += value;
        }
        for (const r of records) entry.session.receiveRecord(r);
        if (faults.dropPostAfterApply > 0) {
          faults.dropPostAfterApply--;
          req.socket.destroy();
          return;
        }
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    port,
    url: `http://127.0.0.1:${port}/wt-sse`,
    log,
    sessions,
    faults,
    async stop() {
      for (const e of sessions.values()) {
        e.closed = true;
        try {
          e.res.end();
        } catch {
          // ignore
        }
      }
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export { concat, varintLength, offeredSubprotocols };
