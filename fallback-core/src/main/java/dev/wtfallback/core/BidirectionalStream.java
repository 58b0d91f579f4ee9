package dev.wtfallback.core;

/**
 * A stream that carries bytes both ways. Each direction ends on its own: {@link #finish()}
 * half-closes the sending side while reading goes on.
 */
public interface BidirectionalStream extends SendStream, ReceiveStream {

	/**
	 * Return the QUIC stream id: the low two bits give the initiator and direction.
	 * @return the stream id
	 */
	@Override
	long id();

	/**
	 * Abort both directions: RESET_STREAM for ours, STOP_SENDING for the peer's.
	 * @param errorCode the application error code, from 0 to 2<sup>62</sup>-1
	 */
	default void abort(long errorCode) {
		reset(errorCode);
		stopSending(errorCode);
	}

}
