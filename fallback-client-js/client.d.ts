// Type declarations for @wt-fallback/client (client.js).

export declare const VERSION: "0.1.0-SNAPSHOT";

/** What stream writers, datagram writers and the codec accept. */
export type BytesLike = ArrayBuffer | ArrayBufferView;

/** The transports of the fallback chain, best first. */
export type TransportKind = "webtransport" | "websocket" | "sse";

/** Why a step of the chain was skipped. */
export type FallbackReasonCode =
  /** the runtime lacks the API (no WebTransport / WebSocket / streaming fetch) */
  | "unsupported"
  /** no URL was given for this step (never sent to the server) */
  | "not-configured"
  /** no session within the step's timeout */
  | "timeout"
  /** the connection or upgrade was refused / failed before it opened */
  | "refused"
  /** it opened but failed (no acceptable subprotocol, protocol error, POST rejected, ...) */
  | "error";

export interface FallbackReason {
  transport: TransportKind;
  reason: FallbackReasonCode;
  /** Human-readable detail. */
  detail: string;
}

/** QMux transport parameters this client advertises (numbers; absent = default). */
export interface TransportParameters {
  /** ms; 0 disables. Default 30000. */
  maxIdleTimeout?: number;
  /** Connection receive window. Default 1 MiB. */
  initialMaxData?: number;
  /** Receive window of bidirectional streams we open. Default 256 KiB. */
  initialMaxStreamDataBidiLocal?: number;
  /** Receive window of bidirectional streams the peer opens. Default 256 KiB. */
  initialMaxStreamDataBidiRemote?: number;
  /** Receive window of unidirectional streams. Default 256 KiB. */
  initialMaxStreamDataUni?: number;
  /** Default 100. */
  initialMaxStreamsBidi?: number;
  /** Default 100. */
  initialMaxStreamsUni?: number;
  /** 0 disables datagrams. Default 16382. */
  maxDatagramFrameSize?: number;
  /** Largest record we accept; at least 16382 (the default). */
  maxRecordSize?: number;
  /** reset_stream_at (draft-02); this client does not implement it, leave false. */
  resetStreamAt?: boolean;
}

export interface FallbackTransportOptions {
  /** Base URL (https:, http:, wss:, ws: or relative to the page). Default for webSocketUrl. */
  url?: string | URL;
  /** https URL for native WebTransport; tried first only when globalThis.WebTransport exists and this is given. */
  webTransportUrl?: string | URL;
  /** ws(s) URL of the QMux endpoint; default: `url` with http(s) mapped to ws(s). */
  webSocketUrl?: string | URL;
  /** The SSE+POST endpoint, e.g. "/wt-sse" (resolved against `url`, then the page). No default. */
  sseUrl?: string | URL;
  /** Application protocols, e.g. ["echo"]; offered as qmux-02.<p>, qmux-01.<p>. */
  protocols?: string[];
  /** Offer no bare qmux-02/qmux-01 tokens: the server must pick one of `protocols`. */
  requireProtocol?: boolean;
  /** QMux drafts to offer, newest first. Default ["qmux-02", "qmux-01"]. */
  qmuxVersions?: Array<"qmux-02" | "qmux-01">;
  /** Which steps to try, in order. Default ["webtransport", "websocket", "sse"]. */
  transports?: TransportKind[];
  /** ms for each step (opening plus the peer's transport parameters). Defaults 5000. */
  webTransportTimeout?: number;
  webSocketTimeout?: number;
  sseTimeout?: number;
  /** Extra options for `new WebTransport()` (e.g. serverCertificateHashes). */
  webTransportOptions?: Record<string, unknown>;
  /** Transport parameters to advertise on QMux transports. */
  transportParameters?: TransportParameters;
  /** fetch credentials mode for SSE+POST. Default "same-origin". */
  credentials?: "omit" | "same-origin" | "include";
  /** Delays (ms) between retries of a failed POST; its length is the retry limit. Default [100, 250, 500, 1000, 2000, 4000]. */
  postRetryDelays?: number[];
  /** Implementations to use instead of the globals (tests, non-browser runtimes); `undefined` means "absent". */
  WebTransport?: unknown;
  WebSocket?: unknown;
  fetch?: typeof fetch;
  /** Observer: ("fallback", {transport, reason, detail}), ("ready", {...}), ("closed", {...}). */
  onEvent?: (type: string, detail: unknown) => void;
}

export interface WebTransportCloseInfo {
  closeCode?: number;
  reason?: string;
}

export interface WebTransportBidirectionalStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BytesLike>;
}

export interface WebTransportDatagramDuplexStream {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<BytesLike>;
  /** 0 until ready, or when the peer takes no datagrams. */
  readonly maxDatagramSize: number;
}

export interface WebTransportErrorOptions {
  source?: "stream" | "session";
  streamErrorCode?: number | null;
}

/** Same shape as the W3C WebTransportError. */
export declare class WebTransportError extends DOMException {
  constructor(message?: string, options?: WebTransportErrorOptions);
  readonly source: "stream" | "session";
  readonly streamErrorCode: number | null;
  /** On session errors caused by a CONNECTION_CLOSE (either direction): its QUIC error code. */
  transportErrorCode?: number;
  /** On the error that rejects `ready` when every step failed. */
  fallbackReasons?: FallbackReason[];
}

/**
 * A WebTransport-shaped session over the best transport that works:
 * native WebTransport, then QMux over WebSocket, then QMux over SSE+POST.
 * Mirrors `new WebTransport(url, options)`.
 */
export declare class FallbackTransport {
  constructor(url: string | URL, options?: FallbackTransportOptions);
  constructor(options: FallbackTransportOptions);

  /** Resolves once a transport is up; rejects (WebTransportError with fallbackReasons) if none is. */
  readonly ready: Promise<void>;
  /** Fulfils on APPLICATION_CLOSE from either side; rejects on CONNECTION_CLOSE, transport drop, idle timeout. */
  readonly closed: Promise<Required<WebTransportCloseInfo>>;
  /** The transport in use; null until ready. */
  readonly transport: TransportKind | null;
  /** Why better transports were skipped, in order. */
  readonly fallbackReasons: FallbackReason[];
  /** The negotiated application protocol, QMux prefix stripped; "" if none. */
  readonly protocol: string;
  /** The QMux draft in use, null for native WebTransport or before ready. */
  readonly wireVersion: "qmux-02" | "qmux-01" | null;
  readonly reliability: "pending" | "reliable-only" | "supports-unreliable";
  readonly incomingBidirectionalStreams: ReadableStream<WebTransportBidirectionalStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  readonly datagrams: WebTransportDatagramDuplexStream;

  /** Waits for ready and for stream credit (MAX_STREAMS) as needed. */
  createBidirectionalStream(options?: unknown): Promise<WebTransportBidirectionalStream>;
  createUnidirectionalStream(options?: unknown): Promise<WritableStream<BytesLike>>;
  /** APPLICATION_CLOSE(closeCode, reason) — reason truncated to 1024 UTF-8 bytes. */
  close(closeInfo?: WebTransportCloseInfo): void;
  getStats(): Promise<Record<string, unknown>>;
}

export default FallbackTransport;

/** Opens a FallbackTransport and resolves once it is ready. */
export declare function connect(url: string | URL, options?: FallbackTransportOptions): Promise<FallbackTransport>;
export declare function connect(options: FallbackTransportOptions): Promise<FallbackTransport>;

// ---------------------------------------------------------------------------
// Lower-level pieces (the QMux engine and codec), exported for tests and tools.
// ---------------------------------------------------------------------------

export declare const FrameType: Readonly<{
  PADDING: 0x00;
  PING: 0x01;
  RESET_STREAM: 0x04;
  STOP_SENDING: 0x05;
  STREAM: 0x08;
  MAX_DATA: 0x10;
  MAX_STREAM_DATA: 0x11;
  MAX_STREAMS_BIDI: 0x12;
  MAX_STREAMS_UNI: 0x13;
  DATA_BLOCKED: 0x14;
  STREAM_DATA_BLOCKED: 0x15;
  STREAMS_BLOCKED_BIDI: 0x16;
  STREAMS_BLOCKED_UNI: 0x17;
  CONNECTION_CLOSE: 0x1c;
  APPLICATION_CLOSE: 0x1d;
  DATAGRAM: 0x30;
  DATAGRAM_LEN: 0x31;
  QX_TRANSPORT_PARAMETERS: bigint;
  QX_PING_REQUEST: bigint;
  QX_PING_RESPONSE: bigint;
}>;

export declare const ErrorCode: Readonly<{
  NO_ERROR: 0x00;
  INTERNAL_ERROR: 0x01;
  FLOW_CONTROL_ERROR: 0x03;
  STREAM_LIMIT_ERROR: 0x04;
  STREAM_STATE_ERROR: 0x05;
  FINAL_SIZE_ERROR: 0x06;
  FRAME_ENCODING_ERROR: 0x07;
  TRANSPORT_PARAMETER_ERROR: 0x08;
  PROTOCOL_VIOLATION: 0x0a;
}>;

export declare const TransportParameterId: Readonly<{
  MAX_IDLE_TIMEOUT: 0x01;
  INITIAL_MAX_DATA: 0x04;
  INITIAL_MAX_STREAM_DATA_BIDI_LOCAL: 0x05;
  INITIAL_MAX_STREAM_DATA_BIDI_REMOTE: 0x06;
  INITIAL_MAX_STREAM_DATA_UNI: 0x07;
  INITIAL_MAX_STREAMS_BIDI: 0x08;
  INITIAL_MAX_STREAMS_UNI: 0x09;
  RESET_STREAM_AT: 0x1d;
  MAX_DATAGRAM_FRAME_SIZE: 0x20;
  MAX_RECORD_SIZE: bigint;
}>;

export declare const MAX_STREAM_PAYLOAD: 16352;
export declare const DEFAULT_MAX_RECORD_SIZE: 16382;
export declare const DEFAULT_TRANSPORT_PARAMETERS: Readonly<Required<TransportParameters>>;
export declare const ABSENT_TRANSPORT_PARAMETERS: Readonly<Required<TransportParameters>>;

/** A QMux connection error; `code` goes into CONNECTION_CLOSE. */
export declare class QmuxError extends Error {
  constructor(code: number, message: string, frameType?: number | bigint);
  readonly code: number;
  readonly frameType: number | bigint;
}

export type Varint = number | bigint;
export declare function varintLength(v: Varint): 1 | 2 | 4 | 8;
export declare function writeVarint(buf: Uint8Array, pos: number, v: Varint): number;
export declare function encodeVarint(v: Varint): Uint8Array;
/** `value` is a number up to 2^53 - 1, a bigint above. */
export declare function decodeVarint(buf: Uint8Array, pos?: number): { value: Varint; length: number };

/** Frame objects as decodeRecord returns them and encodeFrame takes them. */
export type Frame =
  | { type: "padding"; length?: number }
  | { type: "ping" }
  | { type: "stream"; id: number; offset?: number; data: Uint8Array; fin?: boolean; frameType?: number }
  | { type: "reset_stream"; id: number; code: number; finalSize: number }
  | { type: "stop_sending"; id: number; code: number }
  | { type: "max_data"; max: number }
  | { type: "max_stream_data"; id: number; max: number }
  | { type: "max_streams"; bidi: boolean; max: number }
  | { type: "data_blocked"; limit: number }
  | { type: "stream_data_blocked"; id: number; limit: number }
  | { type: "streams_blocked"; bidi: boolean; limit: number }
  | { type: "connection_close"; code: number; frameType?: Varint; reason: string }
  | { type: "application_close"; code: number; reason: string }
  | { type: "datagram"; data: Uint8Array; frameType?: number }
  | { type: "transport_parameters"; params: TransportParameters }
  | { type: "ping_request"; sequence: Varint }
  | { type: "ping_response"; sequence: Varint };

export declare function encodeFrame(frame: Frame): Uint8Array;
export declare function encodeRecord(frames: Array<Frame | Uint8Array>): Uint8Array;
export declare function decodeRecord(record: BytesLike): Frame[];
export declare function encodeTransportParameters(params: TransportParameters): Uint8Array;
export declare function decodeTransportParameters(bytes: BytesLike): Required<TransportParameters>;

export declare function offeredSubprotocols(protocols?: string[], requireProtocol?: boolean, versions?: string[]): string[];
export declare function parseSelectedSubprotocol(
  selected: string,
  offered: string[],
): { version: "qmux-02" | "qmux-01"; protocol: string } | null;

/** What a QmuxSession needs from the channel under it. One record per send(). */
export interface RecordTransport {
  send(record: Uint8Array): void;
  close(): void;
  readonly bufferedAmount: number;
  /** Bytes of bufferedAmount above which the session stops producing records. Default 512 KiB. */
  readonly highWaterMark?: number;
}

export interface QmuxSessionOptions {
  role?: "client" | "server";
  version?: "qmux-02" | "qmux-01";
  protocol?: string;
  transportName?: string;
  transportParameters?: TransportParameters;
  datagramQueueLimit?: number;
  onEvent?: (type: string, detail: unknown) => void;
}

/** The QMux engine on one record transport (either role). */
export declare class QmuxSession {
  constructor(options?: QmuxSessionOptions);
  readonly role: "client" | "server";
  readonly version: string;
  readonly protocol: string;
  readonly state: "connecting" | "open" | "closed";
  readonly ready: Promise<void>;
  readonly closed: Promise<Required<WebTransportCloseInfo>>;
  readonly incomingBidirectionalStreams: ReadableStream<WebTransportBidirectionalStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<ReadableStream<Uint8Array>>;
  readonly datagrams: WebTransportDatagramDuplexStream & { incomingHighWaterMark: number };
  readonly maxDatagramSize: number;
  readonly stats: Record<string, number>;
  /** Binds the transport and sends QX_TRANSPORT_PARAMETERS at once. */
  attach(transport: RecordTransport): void;
  /** Calls from the transport. */
  receiveRecord(record: Uint8Array): void;
  receiveText(text?: string): void;
  transportClosed(detail?: string | Error): void;
  drained(): void;
  createBidirectionalStream(): Promise<WebTransportBidirectionalStream>;
  createUnidirectionalStream(): Promise<WritableStream<BytesLike>>;
  close(closeInfo?: WebTransportCloseInfo): void;
  /** Teardown without a close frame. */
  abort(message?: string): void;
}

/** Incremental text/event-stream parser. */
export declare class SseParser {
  constructor(onEvent: (event: { type: string; data: string; id: string | undefined }) => void);
  push(text: string): void;
}
