package dev.wtfallback.web.server;

import dev.wtfallback.core.FallbackListener.RefusalReason;

import org.springframework.http.HttpStatus;

/**
 * Why a handshake is refused, with the HTTP status that says so.
 */
public enum HandshakeRefusal {

	/** The application is shutting down: {@code 503 Service Unavailable}. */
	SHUTDOWN(RefusalReason.SHUTDOWN, HttpStatus.SERVICE_UNAVAILABLE),

	/** The {@code Origin} is not allowed: {@code 403 Forbidden}. */
	ORIGIN(RefusalReason.ORIGIN, HttpStatus.FORBIDDEN),

	/** No offered subprotocol is acceptable: {@code 400 Bad Request}. */
	SUBPROTOCOL(RefusalReason.SUBPROTOCOL, HttpStatus.BAD_REQUEST),

	/** The {@link HandshakeAuthenticator} refused the request: {@code 401 Unauthorized}. */
	AUTHENTICATION(RefusalReason.AUTHENTICATION, HttpStatus.UNAUTHORIZED),

	/** The server's limit on open sessions is reached: {@code 503 Service Unavailable}. */
	SESSION_LIMIT(RefusalReason.LIMIT, HttpStatus.SERVICE_UNAVAILABLE),

	/** The client address's limit on open sessions is reached: {@code 429 Too Many Requests}. */
	ADDRESS_LIMIT(RefusalReason.LIMIT, HttpStatus.TOO_MANY_REQUESTS);

	private final RefusalReason reason;

	private final HttpStatus status;

	HandshakeRefusal(RefusalReason reason, HttpStatus status) {
		this.reason = reason;
		this.status = status;
	}

	/**
	 * Return the reason reported to the {@link dev.wtfallback.core.FallbackListener}.
	 * @return the reason
	 */
	public RefusalReason reason() {
		return this.reason;
	}

	/**
	 * Return the HTTP status of the refusal.
	 * @return the status
	 */
	public HttpStatus status() {
		return this.status;
	}

}
