package dev.wtfallback.core;

import java.io.IOException;

/**
 * Thrown by operations on a connection, or one of its streams, after the connection ended.
 */
public class SessionClosedException extends IOException {

	private final CloseInfo closeInfo;

	public SessionClosedException(CloseInfo closeInfo) {
		super("Connection " + closeInfo);
		this.closeInfo = closeInfo;
	}

	/**
	 * Return how the connection ended.
	 * @return the close information
	 */
	public CloseInfo getCloseInfo() {
		return this.closeInfo;
	}

}
