package dev.wtfallback.web.sse;

/**
 * What the hub does when an event does not fit in a client's outbound queue.
 */
public enum SseOverflowPolicy {

	/**
	 * End the client's stream. Its browser reconnects with its last event id and catches up
	 * from the replay buffer, if the buffer still covers the gap.
	 */
	DISCONNECT,

	/**
	 * Drop the event for that client only and keep the stream open. The client silently misses
	 * the event.
	 */
	DROP_EVENT

}
