package dev.wtfallback.web.sse;

/**
 * Why an {@link SseClient}'s stream ended.
 *
 * @see SseHubListener#onLeave(SseClient, SseCloseReason)
 */
public enum SseCloseReason {

	/**
	 * The application called {@link SseHub#close(String)}; the client may not resume.
	 */
	CLOSED(false),

	/**
	 * The client's outbound queue overflowed under {@link SseOverflowPolicy#DISCONNECT}.
	 */
	OVERFLOW(true),

	/**
	 * The client reconnected with the same identity, which now lives on the new stream.
	 */
	REPLACED(false),

	/**
	 * The hub shut down.
	 */
	SHUTDOWN(true),

	/**
	 * The servlet container timed the asynchronous request out.
	 */
	TIMEOUT(true),

	/**
	 * The client went away: the connection failed or the container ended the request.
	 */
	GONE(true);

	private final boolean resumable;

	SseCloseReason(boolean resumable) {
		this.resumable = resumable;
	}

	/**
	 * Whether a client that left for this reason may reconnect under the same identity.
	 * @return {@code true} if a reconnect carrying the client's last event id resumes it
	 */
	public boolean isResumable() {
		return this.resumable;
	}

}
