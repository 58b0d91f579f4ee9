package dev.wtfallback.autoconfigure.server;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Limits on the sessions open at once, over all transports.
 */
@ConfigurationProperties("fallback.limits")
public class FallbackLimitsProperties implements Validator {

	/**
	 * Maximum number of sessions open at once; further handshakes are refused with 503.
	 */
	private int maxSessions = 10_000;

	/**
	 * Maximum number of sessions open at once from one client address; further handshakes
	 * from it are refused with 429. Behind a proxy, configure server.forward-headers-strategy
	 * so that the client's address is seen rather than the proxy's.
	 */
	private int maxSessionsPerAddress = 100;

	public int getMaxSessions() {
		return this.maxSessions;
	}

	public void setMaxSessions(int maxSessions) {
		this.maxSessions = maxSessions;
	}

	public int getMaxSessionsPerAddress() {
		return this.maxSessionsPerAddress;
	}

	public void setMaxSessionsPerAddress(int maxSessionsPerAddress) {
		this.maxSessionsPerAddress = maxSessionsPerAddress;
	}

	@Override
	public boolean supports(Class<?> type) {
		return FallbackLimitsProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		FallbackLimitsProperties properties = (FallbackLimitsProperties) target;
		if (properties.maxSessions < 1) {
			errors.rejectValue("maxSessions", "range",
					"fallback.limits.max-sessions must be at least 1, was " + properties.maxSessions);
		}
		if (properties.maxSessionsPerAddress < 1) {
			errors.rejectValue("maxSessionsPerAddress", "range",
					"fallback.limits.max-sessions-per-address must be at least 1, was "
							+ properties.maxSessionsPerAddress);
		}
	}

}
