package dev.wtfallback.autoconfigure.diagnostics;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.wtfallback.autoconfigure.diagnostics.ContradictorySettingsException.Contradiction;
import dev.wtfallback.autoconfigure.server.FallbackLimitsProperties;
import dev.wtfallback.autoconfigure.server.FallbackSecurityProperties;
import dev.wtfallback.autoconfigure.server.FallbackShutdownProperties;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackProperties;
import dev.wtfallback.web.server.SessionDrainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Checks at start-up that settings of different properties fit together, and fails the start
 * with a {@link ContradictorySettingsException} when they do not. Each property on its own is
 * checked when it is bound.
 *
 * <p>The start fails when:
 * <ul>
 * <li>an allowed origin is {@code *} while credentials are allowed;</li>
 * <li>the connection window {@code initial-max-data} is smaller than one record, or smaller
 * than a stream window, which a stream could then never use whole;</li>
 * <li>{@code max-datagram-frame-size} is larger than {@code max-record-size}: a DATAGRAM frame
 * must fit in one record;</li>
 * <li>{@code send-buffer-limit} is smaller than one record;</li>
 * <li>{@code max-sessions-per-address} is larger than {@code max-sessions};</li>
 * <li>{@code fallback.shutdown.grace-period} plus the time to close sessions exceeds
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, after which shutdown would go on
 * without waiting for the sessions.</li>
 * </ul>
 * A stream window smaller than one record is allowed by QUIC and only slows that kind of
 * stream down, so it is logged as a warning.
 */
public final class FallbackSettingsCheck {

	private static final Log logger = LogFactory.getLog(FallbackSettingsCheck.class);

	private static final String WS = "fallback.websocket.";

	private static final String TIMEOUT_PER_PHASE = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final Duration DEFAULT_TIMEOUT_PER_PHASE = Duration.ofSeconds(30);

	private final List<Contradiction> found = new ArrayList<>();

	private FallbackSettingsCheck() {
	}

	/**
	 * Check the settings.
	 * @param environment the environment, for the lifecycle's timeout per shutdown phase
	 * @param security the origin policy
	 * @param limits the session limits
	 * @param shutdown the graceful shutdown settings
	 * @throws ContradictorySettingsException if settings contradict each other
	 */
	public static void verify(Environment environment, FallbackSecurityProperties security,
			FallbackLimitsProperties limits, FallbackShutdownProperties shutdown) {
		FallbackSettingsCheck check = new FallbackSettingsCheck();
		check.origins("fallback.security.", security.getAllowedOrigins(), security.isAllowCredentials());
		check.limits(limits);
		check.shutdown(shutdown, Binder.get(environment)
			.bind(TIMEOUT_PER_PHASE, Duration.class)
			.orElse(DEFAULT_TIMEOUT_PER_PHASE));
		check.report();
	}

	/**
	 * Check the WebSocket settings, before they become the sessions' settings.
	 * @param webSocket the WebSocket settings
	 * @throws ContradictorySettingsException if settings contradict each other
	 */
	public static void verifyWebSocket(WebSocketFallbackProperties webSocket) {
		FallbackSettingsCheck check = new FallbackSettingsCheck();
		check.windows(webSocket);
		check.records(webSocket);
		check.report();
	}

	private void report() {
		if (!this.found.isEmpty()) {
			throw new ContradictorySettingsException(this.found);
		}
	}

	private void origins(String prefix, List<String> origins, boolean allowCredentials) {
		if (allowCredentials && origins.stream().anyMatch((origin) -> "*".equals(origin.trim()))) {
			add(prefix + "allowed-origins contains \"*\" while " + prefix
					+ "allow-credentials is true: any web site could open sessions with your users' cookies",
					"List the origins that may connect in " + prefix + "allowed-origins, or set " + prefix
							+ "allow-credentials to false");
		}
	}

	private void limits(FallbackLimitsProperties limits) {
		if (limits.getMaxSessionsPerAddress() > limits.getMaxSessions()) {
			add("fallback.limits.max-sessions-per-address (" + limits.getMaxSessionsPerAddress()
					+ ") is larger than fallback.limits.max-sessions (" + limits.getMaxSessions()
					+ "): the per-address limit could never be reached",
					"Lower fallback.limits.max-sessions-per-address to at most " + limits.getMaxSessions()
							+ ", or raise fallback.limits.max-sessions");
		}
	}

	private void shutdown(FallbackShutdownProperties shutdown, Duration timeoutPerPhase) {
		Duration needed = shutdown.getGracePeriod().plus(SessionDrainer.CLOSE_TIMEOUT);
		if (needed.compareTo(timeoutPerPhase) > 0) {
			Duration room = timeoutPerPhase.minus(SessionDrainer.CLOSE_TIMEOUT);
			add("fallback.shutdown.grace-period (" + print(shutdown.getGracePeriod()) + ") plus "
					+ print(SessionDrainer.CLOSE_TIMEOUT) + " to close sessions exceeds " + TIMEOUT_PER_PHASE + " ("
					+ print(timeoutPerPhase) + "): shutdown would go on before open sessions were closed",
					"Lower fallback.shutdown.grace-period to at most "
							+ print(room.isNegative() ? Duration.ZERO : room) + ", or raise " + TIMEOUT_PER_PHASE
							+ " to at least " + print(needed));
		}
	}

	/** Print a duration the way it is written in application properties, such as {@code 30s}. */
	private static String print(Duration duration) {
		ChronoUnit unit = (duration.toMillis() % 1000 != 0) ? ChronoUnit.MILLIS
				: (duration.getSeconds() % 60 != 0 || duration.isZero()) ? ChronoUnit.SECONDS : ChronoUnit.MINUTES;
		return DurationStyle.SIMPLE.print(duration, unit);
	}

	private void windows(WebSocketFallbackProperties webSocket) {
		DataSize record = webSocket.getMaxRecordSize();
		DataSize connection = webSocket.getInitialMaxData();
		if (connection.toBytes() < record.toBytes()) {
			add(WS + "initial-max-data (" + connection + ") is smaller than one record, " + WS + "max-record-size ("
					+ record + "): the connection window could never carry a full record",
					"Raise " + WS + "initial-max-data to at least " + record + ", or lower " + WS + "max-record-size");
		}
		streamWindow(webSocket, "initial-max-stream-data-bidi-local", webSocket.getInitialMaxStreamDataBidiLocal());
		streamWindow(webSocket, "initial-max-stream-data-bidi-remote",
				webSocket.getInitialMaxStreamDataBidiRemote());
		streamWindow(webSocket, "initial-max-stream-data-uni", webSocket.getInitialMaxStreamDataUni());
	}

	private void streamWindow(WebSocketFallbackProperties webSocket, String name, @Nullable DataSize override) {
		String property = WS + ((override != null) ? name : "initial-max-stream-data");
		DataSize window = (override != null) ? override : webSocket.getInitialMaxStreamData();
		DataSize connection = webSocket.getInitialMaxData();
		String found = property + " (" + window + ")";
		if (window.toBytes() > connection.toBytes() && !alreadyFound(found)) {
			add(found + " is larger than " + WS + "initial-max-data (" + connection
					+ "): a stream could never use its whole window",
					"Raise " + WS + "initial-max-data to at least " + window + ", or lower " + property);
		}
		if (window.toBytes() < webSocket.getMaxRecordSize().toBytes() && logger.isWarnEnabled()) {
			logger.warn(found + " is smaller than one record (" + WS + "max-record-size, "
					+ webSocket.getMaxRecordSize() + "): such streams carry at most " + window
					+ " per round trip of credit");
		}
	}

	private boolean alreadyFound(String subject) {
		return this.found.stream().anyMatch((contradiction) -> contradiction.description().startsWith(subject));
	}

	private void records(WebSocketFallbackProperties webSocket) {
		DataSize record = webSocket.getMaxRecordSize();
		DataSize datagram = webSocket.getMaxDatagramFrameSize();
		if (datagram.toBytes() > record.toBytes()) {
			add(WS + "max-datagram-frame-size (" + datagram + ") is larger than " + WS + "max-record-size (" + record
					+ "): a DATAGRAM frame must fit in one record",
					"Lower " + WS + "max-datagram-frame-size to at most " + record
							+ " (0 refuses datagrams), or raise " + WS + "max-record-size");
		}
		DataSize buffer = webSocket.getSendBufferLimit();
		if (buffer.toBytes() < record.toBytes()) {
			add(WS + "send-buffer-limit (" + buffer + ") is smaller than one record, " + WS + "max-record-size ("
					+ record + "): writers would block before one record's worth is queued, so no record"
					+ " could be filled",
					"Raise " + WS + "send-buffer-limit to at least " + record + ", or lower " + WS
							+ "max-record-size");
		}
	}

	private void add(String description, String action) {
		this.found.add(new Contradiction(description, action));
	}

}
