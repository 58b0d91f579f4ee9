// Sends one bare WebSocket upgrade request and reports how the server answered,
// without speaking QMux afterwards. It shows a server's subprotocol choice and
// refusals directly, which a full client hides behind a failed `ready`.
//
// Usage: node upgrade-probe.mjs <ws-url> [offered-subprotocols]
//   offered-subprotocols is the raw Sec-WebSocket-Protocol value
//   ("qmux-02.echo, qmux-01"); omit it to send no such header at all.
// Prints "STATUS <http-status> PROTOCOL <selected or ->" and exits 0 whenever
// the server answered, 1 when it could not be reached or did not answer.
import http from "node:http";
import { randomBytes } from "node:crypto";

const [target, offered] = process.argv.slice(2);
if (!target || !/^ws:\/\//.test(target)) {
  process.stderr.write("usage: node upgrade-probe.mjs <ws-url> [offered-subprotocols]\n");
  process.exit(2);
}
const url = new URL(target);
const headers = {
  Connection: "Upgrade",
  Upgrade: "websocket",
  "Sec-WebSocket-Version": "13",
  "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
};
if (offered !== undefined) headers["Sec-WebSocket-Protocol"] = offered;

const request = http.request({
  host: url.hostname,
  port: url.port || 80,
  path: `${url.pathname}${url.search}`,
  headers,
  timeout: 10_000,
});
request.on("upgrade", (response, socket) => {
  console.log(`STATUS ${response.statusCode} PROTOCOL ${response.headers["sec-websocket-protocol"] ?? "-"}`);
  socket.destroy();
  process.exit(0);
});
request.on("response", (response) => {
  console.log(`STATUS ${response.statusCode} PROTOCOL ${response.headers["sec-websocket-protocol"] ?? "-"}`);
  response.resume();
  process.exit(0);
});
request.on("timeout", () => {
  process.stderr.write("no answer within 10 s\n");
  process.exit(1);
});
request.on("error", (err) => {
  process.stderr.write(`request failed: ${err.message}\n`);
  process.exit(1);
});
request.end();
