package dev.wtfallback.core;

/**
 * The transport a {@link WtConnection} runs over, best first.
 *
 * @see WtConnection#transport()
 */
public enum Transport {

	/** Native WebTransport over HTTP/3, served by a WebTransport server rather than this library. */
	WEBTRANSPORT("webtransport"),

	/** QMux records carried in binary WebSocket messages. */
	WEBSOCKET("websocket"),

	/**
	 * QMux records carried in Server-Sent Events from the server and HTTP POST bodies from the
	 * client, for networks that refuse WebSocket upgrades.
	 */
	SSE("sse");

	private final String wireName;

	Transport(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * Return the lower-case name used in logs, metrics tags and client reports.
	 * @return the wire name, never {@code null}
	 */
	public String wireName() {
		return this.wireName;
	}

	@Override
	public String toString() {
		return this.wireName;
	}

}
