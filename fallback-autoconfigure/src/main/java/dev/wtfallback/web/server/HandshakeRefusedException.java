package dev.wtfallback.web.server;

/**
 * Thrown when a handshake must be refused; its message is the plain-text body of the answer.
 */
public class HandshakeRefusedException extends Exception {

	private static final long serialVersionUID = 1L;

	private final HandshakeRefusal refusal;

	/**
	 * Create an exception.
	 * @param refusal why the handshake is refused
	 * @param message what the client is told
	 */
	public HandshakeRefusedException(HandshakeRefusal refusal, String message) {
		super(message);
		this.refusal = refusal;
	}

	/**
	 * Return why the handshake is refused.
	 * @return the refusal
	 */
	public HandshakeRefusal getRefusal() {
		return this.refusal;
	}

}
