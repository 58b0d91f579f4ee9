package dev.wtfallback.web.server;

import java.time.Duration;
import java.util.List;

import dev.wtfallback.core.WtConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * Drains open sessions when the application context closes: new sessions are refused at
 * once, open ones get a grace period to finish, and those still open after it are closed
 * with APPLICATION_CLOSE code {@value #CLOSE_CODE} and reason {@value #CLOSE_REASON}.
 *
 * <p>Stopping never hangs, whatever clients do: it takes at most the grace period plus
 * {@link #CLOSE_TIMEOUT}, within which the engine ends even a transport whose peer never
 * reads. The drain runs on a thread of its own, so lifecycle beans of the same phase stop
 * alongside it. It stops in the latest lifecycle phase, before the web server's graceful
 * shutdown, while handshakes can still be answered with 503. A later {@link #start()}, as
 * after {@code ConfigurableApplicationContext.stop()} and {@code start()}, accepts sessions
 * again.
 */
public final class SessionDrainer implements SmartLifecycle {

	/**
	 * Application close code of sessions still open after the grace period: "going away",
	 * as the WebSocket close code of the same meaning.
	 */
	public static final long CLOSE_CODE = 1001;

	/** Application close reason of sessions still open after the grace period. */
	public static final String CLOSE_REASON = "server shutting down";

	/** Longest wait for transports to close after the close frames were queued. */
	public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

	private static final Log logger = LogFactory.getLog(SessionDrainer.class);

	private final FallbackSessionRegistry registry;

	private final Duration gracePeriod;

	private volatile boolean running;

	/**
	 * Create a drainer.
	 * @param registry the sessions to drain
	 * @param gracePeriod how long open sessions may take to finish on their own; zero closes
	 * them at once
	 */
	public SessionDrainer(FallbackSessionRegistry registry, Duration gracePeriod) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.isTrue(gracePeriod != null && !gracePeriod.isNegative(), "'gracePeriod' must not be negative");
		this.registry = registry;
		this.gracePeriod = gracePeriod;
	}

	/**
	 * Return how long open sessions may take to finish on their own.
	 * @return the grace period
	 */
	public Duration getGracePeriod() {
		return this.gracePeriod;
	}

	@Override
	public void start() {
		this.registry.startAccepting();
		this.running = true;
	}

	@Override
	public void stop() {
		this.registry.stopAccepting();
		this.running = false;
		drain();
	}

	@Override
	public void stop(Runnable callback) {
		this.registry.stopAccepting();
		this.running = false;
		if (this.registry.activeSessions() == 0) {
			callback.run();
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				drain();
			}
			finally {
				callback.run();
			}
		}, "fallback-shutdown");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * Return {@code false}: pausing the context, as the test framework does with cached
	 * contexts, drains nothing; only a real stop or close does.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	private void drain() {
		int open = this.registry.activeSessions();
		if (open == 0) {
			return;
		}
		logger.info(LogMessage.format("Draining %d sessions; those still open in %s are closed with code %d", open,
				this.gracePeriod, CLOSE_CODE));
		try {
			if (this.registry.awaitEmpty(this.gracePeriod)) {
				return;
			}
			List<WtConnection> remaining = this.registry.sessions();
			for (WtConnection connection : remaining) {
				logger.debug(LogMessage.format("[%s] Closing with code %d after the grace period", connection.id(),
						CLOSE_CODE));
				connection.close(CLOSE_CODE, CLOSE_REASON);
			}
			if (!this.registry.awaitEmpty(CLOSE_TIMEOUT)) {
				logger.warn(LogMessage.format("%d sessions were still closing when shutdown went on",
						this.registry.activeSessions()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
