// The sample page: one session from the served browser client, kept open across server
// restarts, plus the SSE hub's chat. "?transports=sse" (or "?transport=websocket", a
// comma-separated list) limits the fallback chain, e.g. to try one transport by hand.
import { connect } from "/fallback/client.js";

const MIB = 1024 * 1024;
const LABELS = { webtransport: "WebTransport", websocket: "QMux over WebSocket", sse: "QMux over SSE+POST" };
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const $ = (id) => document.getElementById(id);

let session = null;
let sessionsOpened = 0;

function sessionOptions() {
  const params = new URLSearchParams(location.search);
  const forced = params.get("transports") ?? params.get("transport");
  const options = { webSocketUrl: "/wt", sseUrl: "/wt-sse", protocols: ["echo"] };
  if (forced) options.transports = forced.split(",").map((t) => t.trim());
  return options;
}

// ---- session status --------------------------------------------------------------------

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status").textContent = text;
}

function note(log, text, muted = true) {
  const line = document.createElement("p");
  line.textContent = text;
  if (muted) line.className = "muted";
  log.append(line);
  log.scrollTop = log.scrollHeight;
}

function showReasons(reasons) {
  const items = reasons.map(({ transport, reason, detail }) => {
    const item = document.createElement("li");
    Object.assign(item.dataset, { transport, reason });
    item.textContent = `${transport}: ${reason} (${detail})`;
    return item;
  });
  $("reasons").replaceChildren(...(items.length > 0 ? items : [Object.assign(document.createElement("li"),
    { className: "muted", textContent: "none" })]));
}

function showSession(current) {
  $("transport").dataset.transport = current.transport;
  $("transport").textContent = LABELS[current.transport] ?? current.transport;
  $("protocol").textContent = `${current.protocol || "(none)"}${current.wireVersion ? `, ${current.wireVersion}` : ""}`;
  $("sessions").textContent = String(sessionsOpened);
  showReasons(current.fallbackReasons);
  setStatus("connected", `connected: ${current.transport}`);
  note($("session-log"), `session ${sessionsOpened} open over ${current.transport}`, false);
}

async function howItEnded(closed) {
  try {
    const { closeCode, reason } = await closed;
    return `closed with code ${closeCode}${reason ? ` (${reason})` : ""}`;
  } catch (err) {
    return `dropped: ${err?.message ?? err}`;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Backoff from 250 ms to 5 s, with jitter so that many pages do not return in step.
const backoff = (failures) => Math.min(5000, 250 * 2 ** failures) * (0.8 + 0.4 * Math.random());

async function stayConnected() {
  for (let failures = 0; ; failures += 1) {
    try {
      const current = await connect(sessionOptions());
      session = current;
      sessionsOpened += 1;
      failures = 0;
      showSession(current);
      const end = await howItEnded(current.closed);
      session = null;
      setStatus("disconnected", "disconnected");
      delete $("transport").dataset.transport;
      $("transport").textContent = `none (was ${LABELS[current.transport] ?? current.transport})`;
      note($("session-log"), `session ${sessionsOpened} ${end}`, false);
    } catch (err) {
      if (err?.fallbackReasons) showReasons(err.fallbackReasons);
      if ($("status").dataset.state !== "connecting") setStatus("disconnected", "disconnected");
      note($("session-log"), `no session: ${err?.message ?? err}`);
    }
    const delay = backoff(failures);
    note($("session-log"), `reconnecting in ${(delay / 1000).toFixed(1)} s`);
    await sleep(delay);
  }
}

function currentSession() {
  if (!session) throw new Error("not connected");
  return session;
}

// ---- echo and throughput: bidirectional streams -----------------------------------------

async function readAll(readable, limit) {
  const received = new Uint8Array(limit);
  let length = 0;
  for await (const chunk of readable) {
    if (length + chunk.byteLength > limit) throw new Error(`more than ${limit} bytes came back`);
    received.set(chunk, length);
    length += chunk.byteLength;
  }
  return received.subarray(0, length);
}

async function writeAll(writable, bytes, chunkSize = 64 * 1024) {
  const writer = writable.getWriter();
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    await writer.ready;
    writer.write(bytes.subarray(offset, offset + chunkSize)).catch(() => {});
  }
  await writer.close();
}

async function echo(text) {
  const bytes = encoder.encode(text);
  const { readable, writable } = await currentSession().createBidirectionalStream();
  const [reply] = await Promise.all([readAll(readable, bytes.byteLength), writeAll(writable, bytes)]);
  return decoder.decode(reply);
}

function randomBytes(size) {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  }
  return bytes;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function roundTrip(size) {
  const sent = randomBytes(size);
  const started = performance.now();
  const { readable, writable } = await currentSession().createBidirectionalStream();
  const [received] = await Promise.all([readAll(readable, size), writeAll(writable, sent)]);
  const seconds = (performance.now() - started) / 1000;
  const [sentHash, receivedHash] = await Promise.all([sha256(sent), sha256(received)]);
  return { size, received: received.byteLength, seconds, sentHash, receivedHash };
}

function showRoundTrip({ size, received, seconds, sentHash, receivedHash }) {
  const match = received === size && sentHash === receivedHash;
  $("throughput-rate").textContent =
    `${size / MIB} MiB in ${seconds.toFixed(2)} s: ${(size / MIB / seconds).toFixed(1)} MiB/s`;
  $("throughput-sent").textContent = sentHash;
  $("throughput-received").textContent = receivedHash;
  $("throughput-verdict").dataset.match = String(match);
  $("throughput-verdict").textContent = match ? "identical" : `differs (${received} of ${size} bytes came back)`;
  $("throughput-result").hidden = false;
}

// ---- chat: the SSE hub ------------------------------------------------------------------

function startChat() {
  const log = $("chat-log");
  const events = new EventSource("/events");
  events.addEventListener("connected", () => {
    log.dataset.state = "live";
    note(log, "chat connected");
  });
  events.addEventListener("chat", (event) => note(log, JSON.parse(event.data).text, false));
  events.addEventListener("replay-gap", () => note(log, "some messages were missed while offline"));
  events.addEventListener("shutdown", () => note(log, "server restarting"));
  events.addEventListener("error", () => {
    log.dataset.state = "reconnecting";
    note(log, "chat connection lost, retrying");
  });
}

async function sendChat(text) {
  const response = await fetch("/chat", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text }),
  });
  if (!response.ok) throw new Error(`not sent (${response.status})`);
}

// ---- wiring -----------------------------------------------------------------------------

function onSubmit(formId, action) {
  $(formId).addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.target.querySelector("button");
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
}

onSubmit("chat-form", async () => {
  try {
    await sendChat($("chat-text").value);
    $("chat-text").value = "";
  } catch (err) {
    note($("chat-log"), err.message);
  }
});

onSubmit("echo-form", async () => {
  $("echo-reply").textContent = "...";
  try {
    $("echo-reply").textContent = await echo($("echo-text").value);
    $("echo-reply").className = "";
  } catch (err) {
    $("echo-reply").textContent = `failed: ${err?.message ?? err}`;
    $("echo-reply").className = "muted";
  }
});

onSubmit("throughput-form", async () => {
  $("throughput-result").hidden = true;
  try {
    showRoundTrip(await roundTrip(Number($("throughput-size").value) * MIB));
  } catch (err) {
    $("throughput-rate").textContent = `failed: ${err?.message ?? err}`;
    $("throughput-sent").textContent = $("throughput-received").textContent = "-";
    $("throughput-verdict").dataset.match = "false";
    $("throughput-verdict").textContent = "no result";
    $("throughput-result").hidden = false;
  }
});

startChat();
stayConnected();
