package dev.wtfallback.web.sse;

/**
 * Thrown by {@link SseHub#send(String, String, Object)} when no open client has the given id:
 * the id was never issued, the client was closed, or its stream has ended.
 */
public class UnknownClientException extends IllegalStateException {

	private final String clientId;

	/**
	 * Create an exception for the given client id.
	 * @param clientId the id that matched no open client
	 */
	public UnknownClientException(String clientId) {
		super("No open SSE client " + SseClient.shortId(clientId)
				+ " (the id was never issued, or the client closed or disconnected)");
		this.clientId = clientId;
	}

	/**
	 * Return the id that matched no open client.
	 * @return the client id
	 */
	public String getClientId() {
		return this.clientId;
	}

}
