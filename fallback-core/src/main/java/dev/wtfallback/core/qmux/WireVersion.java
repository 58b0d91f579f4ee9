package dev.wtfallback.core.qmux;

/**
 * The QMux drafts this implementation speaks; both put one record in each transport message.
 */
public enum WireVersion {

	/** draft-ietf-quic-qmux-01: records, QX_PING, datagrams, max_record_size. */
	QMUX_01("qmux-01"),

	/**
	 * draft-ietf-quic-qmux-02: adds the rule that QX_TRANSPORT_PARAMETERS comes first and once,
	 * strictly increasing QX_PING sequence numbers and RESET_STREAM_AT.
	 */
	QMUX_02("qmux-02");

	private final String token;

	WireVersion(String token) {
		this.token = token;
	}

	/**
	 * Return the bare subprotocol token, such as {@code qmux-02}.
	 * @return the token
	 */
	public String token() {
		return this.token;
	}

	/**
	 * Return the subprotocol token for an application protocol, such as {@code qmux-02.chat}.
	 * @param applicationProtocol the application protocol, or an empty string for the bare token
	 * @return the token
	 */
	public String token(String applicationProtocol) {
		return applicationProtocol.isEmpty() ? this.token : this.token + "." + applicationProtocol;
	}

}
