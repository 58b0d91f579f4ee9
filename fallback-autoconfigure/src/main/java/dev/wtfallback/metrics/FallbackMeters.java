package dev.wtfallback.metrics;

import java.util.List;

import io.micrometer.core.instrument.Meter;

/**
 * Every meter of this library, declared once: its name, type, base unit, description and tag
 * keys. Tag values form a bounded set, listed with each tag key in the README; no tag ever
 * holds a session or client id.
 */
public enum FallbackMeters {

	/** Sessions open now. */
	SESSIONS_ACTIVE("fallback.sessions.active", Meter.Type.GAUGE, "sessions", "Sessions open now", "transport"),

	/** Better transports that clients skipped before opening a session. */
	TRANSPORTS_SKIPPED("fallback.transports.skipped", Meter.Type.COUNTER, "sessions",
			"Sessions whose client first tried a better transport, by the transport it skipped and why",
			"transport", "skipped", "reason"),

	/** Sessions established. */
	SESSIONS_OPENED("fallback.sessions.opened", Meter.Type.COUNTER, "sessions", "Sessions established",
			"transport"),

	/** Sessions ended, and handshakes refused before a session existed. */
	SESSIONS_CLOSED("fallback.sessions.closed", Meter.Type.COUNTER, "sessions",
			"Sessions ended, by how they ended; refused handshakes count as outcome refused", "transport",
			"outcome"),

	/** Handshakes refused. */
	HANDSHAKES_REFUSED("fallback.handshakes.refused", Meter.Type.COUNTER, "handshakes",
			"Handshakes refused before a session existed, by reason", "transport", "reason"),

	/** Streams open now. */
	STREAMS_ACTIVE("fallback.streams.active", Meter.Type.GAUGE, "streams", "Streams open now", "transport"),

	/** Streams opened by either side. */
	STREAMS_OPENED("fallback.streams.opened", Meter.Type.COUNTER, "streams", "Streams opened by either side",
			"transport", "direction"),

	/** Stream directions reset. */
	STREAMS_RESET("fallback.streams.reset", Meter.Type.COUNTER, "streams",
			"Stream directions reset, by the side that reset them", "transport", "side"),

	/** Bytes of records received. */
	BYTES_RECEIVED("fallback.bytes.received", Meter.Type.COUNTER, "bytes", "Bytes of records received from peers",
			"transport"),

	/** Bytes of records sent. */
	BYTES_SENT("fallback.bytes.sent", Meter.Type.COUNTER, "bytes", "Bytes of records handed to the transport",
			"transport"),

	/** Datagrams received. */
	DATAGRAMS_RECEIVED("fallback.datagrams.received", Meter.Type.COUNTER, "datagrams",
			"Datagrams received and queued for the application", "transport"),

	/** Datagrams sent. */
	DATAGRAMS_SENT("fallback.datagrams.sent", Meter.Type.COUNTER, "datagrams", "Datagrams queued for sending",
			"transport"),

	/** Datagrams dropped. */
	DATAGRAMS_DROPPED("fallback.datagrams.dropped", Meter.Type.COUNTER, "datagrams",
			"Arriving datagrams dropped, by reason", "transport", "reason"),

	/** Times a sender waited. */
	FLOW_BLOCKED("fallback.flow.blocked", Meter.Type.COUNTER, "events",
			"Times a sender had to wait, by what it waited for", "transport", "reason"),

	/** Sessions closed for a protocol error of the peer. */
	PROTOCOL_ERRORS("fallback.protocol.errors", Meter.Type.COUNTER, "errors",
			"Sessions closed with CONNECTION_CLOSE for a protocol error of the peer, by QUIC error name", "transport",
			"error"),

	/** SSE hub clients connected now. */
	SSE_CLIENTS_ACTIVE("fallback.sse.clients.active", Meter.Type.GAUGE, "clients", "SSE hub clients connected now"),

	/** SSE events queued for clients. */
	SSE_EVENTS_SENT("fallback.sse.events.sent", Meter.Type.COUNTER, "events",
			"Events queued for SSE hub clients, one per client, replays included"),

	/** SSE events queued again for reconnecting clients. */
	SSE_EVENTS_REPLAYED("fallback.sse.events.replayed", Meter.Type.COUNTER, "events",
			"Events queued again for SSE hub clients that reconnected"),

	/** SSE events not delivered to a client whose queue was full. */
	SSE_EVENTS_DROPPED("fallback.sse.events.dropped", Meter.Type.COUNTER, "events",
			"Events not delivered to an SSE hub client whose queue was full"),

	/** SSE clients disconnected for reading too slowly. */
	SSE_SLOW_CLIENTS_DISCONNECTED("fallback.sse.clients.slow.disconnected", Meter.Type.COUNTER, "clients",
			"SSE hub clients disconnected because they read too slowly"),

	/** Reconnects that missed events no longer kept. */
	SSE_REPLAY_GAPS("fallback.sse.replay.gaps", Meter.Type.COUNTER, "events",
			"Reconnecting SSE hub clients that missed events no longer kept for replay"),

	/** Messages posted to the SSE hub. */
	SSE_INGRESS_MESSAGES("fallback.sse.ingress.messages", Meter.Type.COUNTER, "messages",
			"Messages posted to the SSE hub, by what became of them", "outcome");

	private final String meterName;

	private final Meter.Type type;

	private final String baseUnit;

	private final String description;

	private final List<String> tagKeys;

	FallbackMeters(String meterName, Meter.Type type, String baseUnit, String description, String... tagKeys) {
		this.meterName = meterName;
		this.type = type;
		this.baseUnit = baseUnit;
		this.description = description;
		this.tagKeys = List.of(tagKeys);
	}

	/**
	 * Return the meter's name.
	 * @return the name, such as {@code fallback.sessions.active}
	 */
	public String meterName() {
		return this.meterName;
	}

	/**
	 * Return the meter's type.
	 * @return {@link Meter.Type#COUNTER} or {@link Meter.Type#GAUGE}
	 */
	public Meter.Type type() {
		return this.type;
	}

	/**
	 * Return the meter's base unit.
	 * @return the base unit, such as {@code bytes}
	 */
	public String baseUnit() {
		return this.baseUnit;
	}

	/**
	 * Return the meter's description.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

	/**
	 * Return the keys of the meter's tags.
	 * @return the tag keys, in order; empty for a meter without tags
	 */
	public List<String> tagKeys() {
		return this.tagKeys;
	}

}
