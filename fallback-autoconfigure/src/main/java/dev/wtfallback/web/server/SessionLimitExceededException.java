package dev.wtfallback.web.server;

/**
 * Thrown by {@link SessionLimiter#acquire} when a limit on concurrent sessions is reached.
 */
public class SessionLimitExceededException extends Exception {

	private static final long serialVersionUID = 1L;

	private final boolean perAddress;

	private final int limit;

	/**
	 * Create an exception.
	 * @param perAddress whether the per-address limit was reached, rather than the total
	 * @param limit the limit that was reached
	 */
	public SessionLimitExceededException(boolean perAddress, int limit) {
		super(perAddress
				? "Too many sessions from this address: the limit is " + limit
						+ " (fallback.limits.max-sessions-per-address)"
				: "Too many sessions: the server limit of " + limit + " is reached (fallback.limits.max-sessions)");
		this.perAddress = perAddress;
		this.limit = limit;
	}

	/**
	 * Return whether the per-address limit was reached, rather than the total.
	 * @return {@code true} for the per-address limit
	 */
	public boolean isPerAddress() {
		return this.perAddress;
	}

	/**
	 * Return the limit that was reached.
	 * @return the limit
	 */
	public int getLimit() {
		return this.limit;
	}

}
