// Drives the sample application's page (index.html) in Debian's headless Chromium and prints
// one line per check ("ok - ..." or "FAIL - ...") and a final "N passed, N failed" line; the
// exit code is 0 only when every check passed.
//
//   node run.mjs --base=http://127.0.0.1:8080 --expect=websocket|sse
//                [--query=?transports=sse] [--screenshots=DIR] [--name=PREFIX] [--size=MiB]
//                [--restart] [--timeout=SECONDS]
//
// With --restart the script, after the first checks, prints "@stop" and waits for a line
// "stopped" on standard input, checks that the page noticed, prints "@start", waits for
// "started" and checks that the page reconnected. Whoever runs the server answers these.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const MIB = 1024 * 1024;

const { values: options } = parseArgs({
  options: {
    base: { type: "string" },
    expect: { type: "string" },
    query: { type: "string", default: "" },
    screenshots: { type: "string", default: "target/screenshots" },
    name: { type: "string" },
    size: { type: "string", default: "5" },
    restart: { type: "boolean", default: false },
    timeout: { type: "string", default: "150" },
  },
});
if (!options.base || !["websocket", "sse"].includes(options.expect)) {
  console.log("usage: node run.mjs --base=http://127.0.0.1:PORT --expect=websocket|sse [--restart]");
  process.exit(2);
}
const name = options.name ?? options.expect;
const results = { passed: 0, failed: 0 };

function summary() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
}

const watchdog = setTimeout(() => {
  results.failed += 1;
  console.log(`FAIL - watchdog: the run took longer than ${options.timeout} s`);
  summary();
  process.exit(1);
}, Number(options.timeout) * 1000);
watchdog.unref();

async function check(title, action) {
  try {
    const detail = await action();
    results.passed += 1;
    console.log(`ok - ${title}${detail ? `: ${detail}` : ""}`);
    return true;
  } catch (err) {
    results.failed += 1;
    console.log(`FAIL - ${title}: ${String(err?.message ?? err).replace(/\s*\n\s*/g, " | ").slice(0, 600)}`);
    return false;
  }
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, was ${JSON.stringify(actual)}`);
  }
}

// ---- standard input: the server side of the restart -------------------------------------

const input = [];
const waiting = [];
let inputEnded = false;
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const trimmed = line.trim();
  const index = waiting.findIndex((w) => w.word === trimmed);
  if (index >= 0) waiting.splice(index, 1)[0].resolve();
  else input.push(trimmed);
});
lines.on("close", () => {
  inputEnded = true;
  waiting.splice(0).forEach((w) => w.reject(new Error(`input ended before "${w.word}"`)));
});

function awaitInput(word, timeoutMs) {
  if (input.includes(word)) return Promise.resolve();
  if (inputEnded) return Promise.reject(new Error(`input ended before "${word}"`));
  return new Promise((resolve, reject) => {
    const fail = () => reject(new Error(`no "${word}" on standard input within ${timeoutMs} ms`));
    const timer = setTimeout(fail, timeoutMs);
    const settle = (action) => (value) => {
      clearTimeout(timer);
      action(value);
    };
    waiting.push({ word, resolve: settle(resolve), reject: settle(reject) });
  });
}

// ---- the checks -------------------------------------------------------------------------

async function awaitSession(page, sessions, timeout) {
  await page.waitForFunction((n) => document.getElementById("status").dataset.state === "connected"
    && document.getElementById("sessions").textContent === String(n), sessions, { timeout });
  return page.locator("#transport").getAttribute("data-transport");
}

async function reasons(page) {
  return page.locator("#reasons li[data-transport]").evaluateAll((items) =>
    items.map((li) => ({ transport: li.dataset.transport, reason: li.dataset.reason, text: li.textContent })));
}

async function checkReasons(page) {
  const skipped = await reasons(page);
  const websocket = skipped.filter((r) => r.transport === "websocket");
  if (options.expect === "sse" && websocket.length === 0) {
    throw new Error(`no reason names websocket: ${JSON.stringify(skipped)}`);
  }
  if (options.expect === "websocket" && websocket.length > 0) {
    throw new Error(`websocket was skipped: ${JSON.stringify(websocket)}`);
  }
  return skipped.map((r) => r.text).join("; ") || "none";
}

async function checkChat(page, text) {
  await page.locator('#chat-log[data-state="live"]').waitFor({ timeout: 15000 });
  await page.fill("#chat-text", text);
  await page.click("#chat-form button");
  await page.locator("#chat-log p:not(.muted)").filter({ hasText: text }).waitFor({ timeout: 10000 });
  return JSON.stringify(text);
}

async function checkEcho(page, text) {
  await page.fill("#echo-text", text);
  await page.click("#echo-form button");
  await page.waitForFunction((t) => document.getElementById("echo-reply").textContent === t, text, { timeout: 10000 });
  return JSON.stringify(text);
}

async function checkRoundTrip(page, mib) {
  await page.fill("#throughput-size", String(mib));
  await page.click("#throughput-form button");
  const verdict = page.locator("#throughput-result:not([hidden]) #throughput-verdict[data-match]");
  await verdict.waitFor({ timeout: 60000 });
  const rate = await page.locator("#throughput-rate").textContent();
  const sent = await page.locator("#throughput-sent").textContent();
  const received = await page.locator("#throughput-received").textContent();
  expectEqual(await verdict.getAttribute("data-match"), "true", `round trip (${rate})`);
  expectEqual(received, sent, "SHA-256 of the echo");
  return `${rate}, SHA-256 ${sent.slice(0, 16)}... on both sides`;
}

async function screenshot(page, file) {
  await mkdir(options.screenshots, { recursive: true });
  const path = resolve(options.screenshots, file);
  await page.screenshot({ path, fullPage: true });
  return path;
}

async function firstPhase(page) {
  const url = `${options.base.replace(/\/$/, "")}/${options.query}`;
  const loaded = await check("page loads", async () => (await page.goto(url, { timeout: 15000 })).status());
  if (!loaded) return false;
  const connected = await check(`page reports transport ${options.expect}`, async () => {
    expectEqual(await awaitSession(page, 1, 20000), options.expect, "transport");
    return page.locator("#protocol").textContent();
  });
  await check("fallback reasons", () => checkReasons(page));
  await check("chat message comes back as a chat event", () => checkChat(page, `héllo from Chromium ${Date.now()}`));
  await check("echo over a bidirectional stream", () => checkEcho(page, `echo ✓ ${options.expect}`));
  await check(`${options.size} MiB stream round trip`, () => checkRoundTrip(page, Number(options.size)));
  await check("screenshot", () => screenshot(page, `${name}.png`));
  return connected;
}

async function restartPhase(page) {
  console.log("@stop");
  await awaitInput("stopped", 60000);
  const stopped = Date.now();
  await check("page shows disconnected after the server stopped", async () => {
    await page.locator('#status[data-state="disconnected"]').waitFor({ timeout: 20000 });
    return `after ${Date.now() - stopped} ms`;
  });
  await check("screenshot while disconnected", () => screenshot(page, `${name}-disconnected.png`));
  console.log("@start");
  await awaitInput("started", 60000);
  const started = Date.now();
  const back = await check("page reconnects to the restarted server", async () => {
    const transport = await awaitSession(page, 2, 30000);
    expectEqual(transport, options.expect, "transport after the restart");
    return `${transport} after ${Date.now() - started} ms`;
  });
  if (back) {
    await check("echo on the new session", () => checkEcho(page, `echo again over ${options.expect}`));
    await check("chat after the restart", () => checkChat(page, `back again ${Date.now()}`));
  }
  await check("screenshot after the restart", () => screenshot(page, `${name}-after-restart.png`));
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  const userDataDir = await mkdtemp(join(tmpdir(), "wt-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1200, height: 820 },
    timeout: 30000,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    const connected = await firstPhase(page);
    if (options.restart && connected) await restartPhase(page);
    await check("no uncaught errors in the page", async () => {
      if (errors.length > 0) throw new Error(errors.join(" | "));
    });
  } finally {
    await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}

try {
  await main();
} catch (err) {
  results.failed += 1;
  console.log(`FAIL - run: ${String(err?.message ?? err).replace(/\s*\n\s*/g, " | ")}`);
}
summary();
lines.close();
process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
