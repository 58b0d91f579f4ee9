package dev.wtfallback.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A better transport that a client tried and gave up on before it reached this server, as it
 * reports in the {@code fallback-reason} query parameter: comma-separated
 * {@code <transport>-<reason>} entries such as {@code webtransport-unsupported,websocket-timeout}.
 *
 * @param transport the transport the client skipped
 * @param reason why it skipped it
 */
public record SkippedTransport(Transport transport, Reason reason) {

	/** Name of the query parameter in which clients report skipped transports. */
	public static final String PARAMETER = "fallback-reason";

	/** Connection attribute that holds the client's report as it sent it. */
	public static final String ATTRIBUTE = "fallback.reason";

	/** Most entries read from one report; the chain has only two better transports. */
	private static final int MAX_ENTRIES = 4;

	/**
	 * Read a client's report. Entries naming an unknown transport are left out; unknown
	 * reasons become {@link Reason#OTHER}, so the values stay a bounded set.
	 * @param report the parameter value, may be {@code null}
	 * @return the skipped transports, in the client's order
	 */
	public static List<SkippedTransport> parse(String report) {
		List<SkippedTransport> skipped = new ArrayList<>();
		if (report == null) {
			return skipped;
		}
		for (String entry : report.split(",", MAX_ENTRIES + 1)) {
			int dash = entry.indexOf('-');
			Transport transport = (dash > 0) ? transportNamed(entry.substring(0, dash).trim()) : null;
			if (transport != null && skipped.size() < MAX_ENTRIES) {
				skipped.add(new SkippedTransport(transport, Reason.named(entry.substring(dash + 1).trim())));
			}
		}
		return skipped;
	}

	private static Transport transportNamed(String name) {
		for (Transport transport : Transport.values()) {
			if (transport.wireName().equals(name)) {
				return transport;
			}
		}
		return null;
	}

	/**
	 * Why a client skipped a transport.
	 */
	public enum Reason {

		/** The browser lacks the API. */
		UNSUPPORTED,

		/** The page gave no URL for it. */
		NOT_CONFIGURED,

		/** It did not open within the client's timeout. */
		TIMEOUT,

		/** The server or a proxy refused it. */
		REFUSED,

		/** It failed otherwise. */
		ERROR,

		/** A reason this server does not know. */
		OTHER;

		/**
		 * Return the lower-case, hyphenated name used on the wire and in metric tags.
		 * @return the wire name, such as {@code not-configured}
		 */
		public String wireName() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		static Reason named(String wireName) {
			for (Reason reason : values()) {
				if (reason.wireName().equals(wireName)) {
					return reason;
				}
			}
			return OTHER;
		}

	}

}
