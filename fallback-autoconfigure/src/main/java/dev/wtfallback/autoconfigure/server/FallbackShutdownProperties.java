package dev.wtfallback.autoconfigure.server;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Graceful shutdown of open sessions.
 */
@ConfigurationProperties("fallback.shutdown")
public class FallbackShutdownProperties implements Validator {

	/**
	 * Maximum time open sessions get to finish on their own once the application shuts down;
	 * new sessions are refused from the start. Sessions still open after it are closed with
	 * APPLICATION_CLOSE code 1001. Zero closes them at once.
	 */
	private Duration gracePeriod = Duration.ofSeconds(10);

	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	public void setGracePeriod(Duration gracePeriod) {
		this.gracePeriod = gracePeriod;
	}

	@Override
	public boolean supports(Class<?> type) {
		return FallbackShutdownProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		Duration grace = ((FallbackShutdownProperties) target).gracePeriod;
		if (grace == null || grace.isNegative()) {
			errors.rejectValue("gracePeriod", "range",
					"fallback.shutdown.grace-period must be zero or positive, was " + grace);
		}
	}

}
