package dev.wtfallback.core.qmux;

/**
 * States of each half of a stream, after RFC 9000 section 3, reduced to what a reliable,
 * ordered transport needs.
 */
final class StreamState {

	private StreamState() {
	}

	/**
	 * The sending half.
	 */
	enum Send {

		/** Open; bytes may be written. Leads to {@link #DATA_SENT} or {@link #RESET_SENT}. */
		SEND,

		/** FIN queued; terminal. */
		DATA_SENT,

		/** RESET_STREAM queued, by the application or on STOP_SENDING; terminal. */
		RESET_SENT

	}

	/**
	 * The receiving half.
	 */
	enum Receive {

		/** Open; final size unknown. Leads to {@link #SIZE_KNOWN} or {@link #RESET_RECVD}. */
		RECV,

		/** FIN received, bytes still to be read. Leads to {@link #DATA_READ} or {@link #RESET_RECVD}. */
		SIZE_KNOWN,

		/** Every byte read by the application; terminal. */
		DATA_READ,

		/** RESET_STREAM received, buffered bytes discarded; terminal. */
		RESET_RECVD,

		/** The application stopped reading with STOP_SENDING; arriving bytes are discarded; terminal. */
		STOPPED

	}

}
