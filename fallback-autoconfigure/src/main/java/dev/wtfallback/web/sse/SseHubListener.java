package dev.wtfallback.web.sse;

/**
 * Callbacks on clients joining and leaving an {@link SseHub}, for presence and metrics.
 *
 * <p>{@link #onJoin(SseClient)} runs on the servlet thread that accepted the stream, before the
 * first event is written. {@link #onLeave(SseClient, SseCloseReason)} runs on whichever thread
 * ended the stream or noticed its end: a container thread, one of the hub's drain threads, the
 * thread whose event overflowed the client's queue, or the thread that stops the hub. Both are
 * called exactly once per stream and without any hub lock held, so they may call back into the
 * hub. A
 * resumed client is a new stream: it joins again under its old id. Exceptions are logged and
 * otherwise ignored.
 */
public interface SseHubListener {

	/**
	 * Called when a client's stream has been accepted.
	 * @param client the new client
	 */
	default void onJoin(SseClient client) {
	}

	/**
	 * Called once when a client's stream has ended.
	 * @param client the client that left
	 * @param reason why it left
	 */
	default void onLeave(SseClient client, SseCloseReason reason) {
	}

}
