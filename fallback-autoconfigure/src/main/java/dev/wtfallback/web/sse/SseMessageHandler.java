package dev.wtfallback.web.sse;

/**
 * Receives messages that clients post to {@code {path}/{clientId}}.
 *
 * <p>Called on the servlet thread that handles the POST, once per accepted message; a retry
 * that repeats a message's {@code Idempotency-Key} is not delivered again. An exception
 * thrown here answers the POST with 500 and releases the key, so the client may retry.
 * Without any bean of this type the POST endpoint is not mapped and answers 404.
 */
@FunctionalInterface
public interface SseMessageHandler {

	/**
	 * Handle one message.
	 * @param client the open client the message was posted for
	 * @param message the message
	 * @throws Exception any failure, answered with 500
	 */
	void onMessage(SseClient client, SseMessage message) throws Exception;

}
