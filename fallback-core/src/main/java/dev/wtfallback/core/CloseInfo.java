package dev.wtfallback.core;

/**
 * How a connection ended.
 *
 * @param code the application close code, or the QUIC transport error code when
 * {@code graceful} is {@code false}
 * @param reason the reason phrase, never {@code null}
 * @param graceful whether the connection ended with APPLICATION_CLOSE (by either side) rather
 * than a protocol error, an idle timeout or a dropped transport
 * @param local whether this endpoint initiated the close
 */
public record CloseInfo(long code, String reason, boolean graceful, boolean local) {

	public CloseInfo {
		reason = (reason != null) ? reason : "";
	}

	@Override
	public String toString() {
		return (this.graceful ? "closed" : "failed") + " by " + (this.local ? "us" : "peer") + " with code "
				+ this.code + (this.reason.isEmpty() ? "" : " (" + this.reason + ")");
	}

}
