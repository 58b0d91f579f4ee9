package dev.wtfallback.core.qmux;

/**
 * Stream id arithmetic: the low bit tells the initiator (0 client, 1 server), the next bit the
 * direction (0 bidirectional, 1 unidirectional), the rest is the index within that kind.
 */
final class StreamIds {

	private StreamIds() {
	}

	static boolean isServerInitiated(long id) {
		return (id & 0x01) != 0;
	}

	static boolean isUnidirectional(long id) {
		return (id & 0x02) != 0;
	}

	static long index(long id) {
		return id >>> 2;
	}

	static long id(long index, boolean server, boolean unidirectional) {
		return (index << 2) | (server ? 0x01 : 0) | (unidirectional ? 0x02 : 0);
	}

	static String describe(long id) {
		return (isServerInitiated(id) ? "server" : "client") + "-initiated "
				+ (isUnidirectional(id) ? "unidirectional" : "bidirectional") + " stream " + id;
	}

}
