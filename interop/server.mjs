// Echo peer for interop tests, speaking QMux-on-WebSocket through @moq/qmux's
// server role. It mirrors the sample app's echo service so the Java client can
// be tested against the reference implementation:
//   - each incoming bidirectional stream is echoed byte for byte, FIN for FIN;
//   - each incoming unidirectional stream is answered on a server-opened
//     unidirectional stream carrying the same bytes;
//   - each datagram is sent back;
//   - a bidirectional stream whose whole content is "close-me" closes the
//     session with code 7 and reason "requested".
//
// Usage: node --experimental-websocket server.mjs [port] [appProtocol]
// Prints "LISTENING <port>" on stdout once bound to 127.0.0.1; everything else
// goes to stderr so the port line is easy to parse.
import "./shim.mjs";
import fs from "node:fs";
import { WebSocketServer } from "ws";
import Session, { StreamError, selectSubprotocol } from "@moq/qmux";

const CLOSE_ME = Buffer.from("close-me", "ascii");
const CLOSE_CODE = 7;
const CLOSE_REASON = "requested";

function log(message) {
  process.stderr.write(`[server] ${message}\n`);
}

function describe(err) {
  if (err === undefined || err === null) return String(err);
  const code = typeof err.streamErrorCode === "number" ? ` (stream error code ${err.streamErrorCode})` : "";
  const cause = err.cause instanceof Error ? ` caused by ${err.cause.message}` : "";
  return `${err.name ?? "Error"}: ${err.message ?? String(err)}${code}${cause}`;
}

// A test peer must never die quietly: whatever escapes a handler is logged so
// the failing side of an interop run can be read from this process's stderr.
process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${describe(reason)}`));
process.on("uncaughtException", (err) => log(`uncaught exception: ${err?.stack ?? describe(err)}`));

const [portArg = "0", appProtocol = "echo"] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  log(`invalid port ${JSON.stringify(portArg)}; usage: server.mjs [port] [appProtocol]`);
  process.exit(2);
}

// versions: null offers the app protocol under every QMux draft the library
// knows (qmux-02.X, qmux-01.X, qmux-00.X); requireProtocol: false also accepts
// the bare version tokens, so a client that negotiates no app protocol works.
const selection = {
  protocols: [appProtocol],
  versions: { [appProtocol]: null },
  requireProtocol: false,
};

const sessions = new Set();
let nextSessionId = 0;

const wss = new WebSocketServer({
  host: "127.0.0.1",
  port,
  // The two-argument form makes the check asynchronous-capable and, more to
  // the point, lets us answer 400 rather than ws's default 401. Refusing here
  // matters: ws would otherwise complete a handshake with no subprotocol,
  // which @moq/qmux reads as the legacy "webtransport" framing.
  verifyClient: (info, callback) => {
    const offered = info.req.headers["sec-websocket-protocol"];
    if (selectSubprotocol(offered, selection) === undefined) {
      log(`refused upgrade ${info.req.url}: no supported subprotocol in ${JSON.stringify(offered ?? null)}`);
      callback(false, 400, "no supported QMux subprotocol");
      return;
    }
    callback(true);
  },
  // ws hands over the parsed offer as a Set; our preference order, not the
  // client's, decides, matching selectSubprotocol's contract.
  handleProtocols: (protocols) => selectSubprotocol([...protocols], selection) ?? false,
});

wss.on("listening", () => {
  const address = wss.address();
  process.stdout.write(`LISTENING ${address.port}\n`);
  log(`listening on ws://127.0.0.1:${address.port}/ (any path), app protocol ${JSON.stringify(appProtocol)}`);
});

wss.on("error", (err) => {
  log(`server error: ${describe(err)}`);
  process.exit(1);
});

wss.on("connection", (socket, request) => {
  const id = ++nextSessionId;
  // Session.accept must run synchronously here: it takes over the socket's
  // message handlers, and anything delivered before that would be lost.
  const session = Session.accept(socket, { protocol: socket.protocol });
  sessions.add(session);
  log(`#${id} accepted ${request.url} subprotocol=${JSON.stringify(socket.protocol)}`);
  serve(session, id);
});

function serve(session, id) {
  const state = { closedLocally: false };
  session.closed.then(
    (info) => {
      const who = state.closedLocally ? "locally" : "by peer";
      log(`#${id} closed ${who}: code=${info.closeCode} reason=${JSON.stringify(info.reason)}`);
    },
    (err) => log(`#${id} closed abnormally: ${describe(err)}`),
  ).finally(() => sessions.delete(session));

  session.ready.then(
    () => {
      log(`#${id} ready, app protocol ${JSON.stringify(session.protocol)}`);
      acceptEach(session.incomingBidirectionalStreams, (stream, n) => echoBidi(session, id, n, stream, state), `#${id} bidi`);
      acceptEach(session.incomingUnidirectionalStreams, (readable, n) => echoUni(session, id, n, readable), `#${id} uni`);
      echoDatagrams(session, id).catch((err) => log(`#${id} datagram echo stopped: ${describe(err)}`));
    },
    (err) => log(`#${id} never became ready: ${describe(err)}`),
  );
}

async function acceptEach(incoming, handle, label) {
  const reader = incoming.getReader();
  let count = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const n = count++;
      // Each stream runs independently; one failing must not stop the others.
      handle(value, n).catch((err) => log(`${label} stream ${n} failed: ${describe(err)}`));
    }
  } catch {
    // The acceptor errors when the session ends; the closed handler reports why.
  }
}

// Echoes a bidirectional stream with pipeTo-like error propagation: a reset of
// the inbound half is mirrored as a reset of the outbound half with the same
// code, and a STOP_SENDING on the outbound half cancels the inbound half.
async function echoBidi(session, id, n, stream, state) {
  const reader = stream.readable.getReader();
  const writer = stream.writable.getWriter();
  // Only the first CLOSE_ME.length + 1 bytes matter for spotting "close-me".
  const head = [];
  let headBytes = 0;
  let total = 0;
  for (;;) {
    let chunk;
    try {
      const { value, done } = await reader.read();
      if (done) break;
      chunk = value;
    } catch (err) {
      log(`#${id} bidi ${n}: inbound ended with ${describe(err)} after ${total} bytes`);
      await writer.abort(err instanceof StreamError ? err : new StreamError(0)).catch(() => {});
      return;
    }
    if (headBytes <= CLOSE_ME.length) {
      head.push(chunk.subarray(0, CLOSE_ME.length + 1 - headBytes));
      headBytes += head[head.length - 1].byteLength;
    }
    total += chunk.byteLength;
    try {
      await writer.write(chunk);
    } catch (err) {
      log(`#${id} bidi ${n}: outbound failed with ${describe(err)} after ${total} bytes`);
      await reader.cancel(err instanceof StreamError ? err : new StreamError(0)).catch(() => {});
      return;
    }
  }
  if (total === CLOSE_ME.length && Buffer.concat(head).equals(CLOSE_ME)) {
    log(`#${id} bidi ${n}: "close-me" received, closing session with ${CLOSE_CODE} ${JSON.stringify(CLOSE_REASON)}`);
    state.closedLocally = true;
    session.close({ closeCode: CLOSE_CODE, reason: CLOSE_REASON });
    return;
  }
  await writer.close();
}

// Streams the reply while the request is still arriving, so a large
// unidirectional stream never has to fit in memory.
async function echoUni(session, id, n, readable) {
  const reader = readable.getReader();
  let writer;
  try {
    writer = (await session.createUnidirectionalStream()).getWriter();
  } catch (err) {
    await reader.cancel(err instanceof StreamError ? err : new StreamError(0)).catch(() => {});
    throw err;
  }
  let total = 0;
  for (;;) {
    let chunk;
    try {
      const { value, done } = await reader.read();
      if (done) break;
      chunk = value;
    } catch (err) {
      log(`#${id} uni ${n}: inbound ended with ${describe(err)} after ${total} bytes`);
      await writer.abort(err instanceof StreamError ? err : new StreamError(0)).catch(() => {});
      return;
    }
    total += chunk.byteLength;
    try {
      await writer.write(chunk);
    } catch (err) {
      log(`#${id} uni ${n}: reply failed with ${describe(err)} after ${total} bytes`);
      await reader.cancel(err instanceof StreamError ? err : new StreamError(0)).catch(() => {});
      return;
    }
  }
  await writer.close();
}

async function echoDatagrams(session, id) {
  const reader = session.datagrams.readable.getReader();
  const writer = session.datagrams.writable.getWriter();
  let count = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      count++;
      // @moq/qmux drops an outgoing datagram while its socket writer still has
      // the previous frame in flight; a burst from the client would lose every
      // other echo. Yielding to the event loop first lets that write finish.
      await new Promise((resolve) => setImmediate(resolve));
      await writer.write(value);
    }
  } catch {
    // The readable errors when the session ends abnormally; closed reports it.
  }
  if (count > 0) log(`#${id} echoed ${count} datagrams`);
}

let shuttingDown = false;
function shutdown(why) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`shutting down: ${why}`);
  for (const session of sessions) {
    try {
      session.close({ closeCode: 0, reason: "server shutting down" });
    } catch (err) {
      log(`close failed: ${describe(err)}`);
    }
  }
  wss.close();
  // @moq/qmux tears the socket down 100 ms after queueing APPLICATION_CLOSE;
  // give that a moment, then leave regardless of lingering timers.
  setTimeout(() => process.exit(0), 300);
}

process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

// Exit when the parent closes our stdin (the Java test holds a pipe open for
// as long as it wants us). Only pipes, sockets and terminals count: with stdin
// redirected from /dev/null or a file, end-of-input arrives at once and would
// stop the server before any test ran, so SIGTERM is the way to stop it then.
function watchStdin() {
  let stat;
  try {
    stat = fs.fstatSync(0);
  } catch {
    return;
  }
  if (!(stat.isFIFO() || stat.isSocket() || process.stdin.isTTY)) return;
  process.stdin.on("end", () => shutdown("stdin closed"));
  process.stdin.on("close", () => shutdown("stdin closed"));
  process.stdin.on("error", () => shutdown("stdin error"));
  // Input is ignored; reading is only how we learn the pipe closed.
  process.stdin.on("data", () => {});
  process.stdin.resume();
}
watchStdin();
