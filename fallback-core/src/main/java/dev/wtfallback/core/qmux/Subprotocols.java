package dev.wtfallback.core.qmux;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Negotiation of the WebSocket subprotocol that fixes the QMux wire format and the application
 * protocol, as {@code <version>.<application protocol>} tokens or bare version tokens.
 */
public final class Subprotocols {

	private static final WireVersion[] PREFERENCE = { WireVersion.QMUX_02, WireVersion.QMUX_01 };

	private Subprotocols() {
	}

	/**
	 * Return the tokens a server accepts, best first: for each application protocol in the
	 * given order its draft-02 and draft-01 forms, then the bare version tokens unless an
	 * application protocol is required.
	 * @param applicationProtocols the application protocols, best first
	 * @param requireProtocol whether bare version tokens are refused
	 * @return the accepted tokens in preference order
	 */
	public static List<String> supported(Collection<String> applicationProtocols, boolean requireProtocol) {
		List<String> tokens = new ArrayList<>();
		for (String protocol : applicationProtocols) {
			for (WireVersion version : PREFERENCE) {
				tokens.add(version.token(protocol));
			}
		}
		if (!requireProtocol) {
			for (WireVersion version : PREFERENCE) {
				tokens.add(version.token());
			}
		}
		return tokens;
	}

	/**
	 * Pick the token to accept from what a client offered, by the server's preference.
	 * @param offered the tokens the client offered, in any order; entries may hold several
	 * comma-separated tokens, as in a raw {@code Sec-WebSocket-Protocol} header
	 * @param applicationProtocols the application protocols, best first
	 * @param requireProtocol whether bare version tokens are refused
	 * @return the token to accept, or empty when nothing offered is acceptable
	 */
	public static Optional<String> select(Collection<String> offered, Collection<String> applicationProtocols,
			boolean requireProtocol) {
		Set<String> client = split(offered);
		return supported(applicationProtocols, requireProtocol).stream().filter(client::contains).findFirst();
	}

	/**
	 * Return the tokens a client offers, best first, for the given application protocols.
	 * @param applicationProtocols the application protocols, best first
	 * @param requireProtocol whether to leave out the bare version tokens
	 * @return the tokens to offer
	 */
	public static List<String> offer(Collection<String> applicationProtocols, boolean requireProtocol) {
		return supported(applicationProtocols, requireProtocol);
	}

	/**
	 * Read the wire version and application protocol off a negotiated token.
	 * @param token the negotiated subprotocol
	 * @return the negotiated protocol, or empty when the token is not a QMux draft spoken here
	 */
	public static Optional<NegotiatedProtocol> parse(String token) {
		if (token == null) {
			return Optional.empty();
		}
		for (WireVersion version : PREFERENCE) {
			if (token.equals(version.token())) {
				return Optional.of(new NegotiatedProtocol(version, ""));
			}
			String prefix = version.token() + ".";
			if (token.startsWith(prefix) && token.length() > prefix.length()) {
				return Optional.of(new NegotiatedProtocol(version, token.substring(prefix.length())));
			}
		}
		return Optional.empty();
	}

	private static Set<String> split(Collection<String> offered) {
		Set<String> tokens = new LinkedHashSet<>();
		for (String entry : offered) {
			for (String token : entry.split(",")) {
				if (!token.isBlank()) {
					tokens.add(token.trim());
				}
			}
		}
		return tokens;
	}

	/**
	 * The outcome of subprotocol negotiation.
	 *
	 * @param version the QMux wire version
	 * @param applicationProtocol the application protocol, empty for a bare token
	 */
	public record NegotiatedProtocol(WireVersion version, String applicationProtocol) {

		/**
		 * Return the token this outcome was read from.
		 * @return the subprotocol token
		 */
		public String token() {
			return this.version.token(this.applicationProtocol);
		}

	}

}
