package dev.wtfallback.web.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Bounds the sessions open at once, in total and per client address, across every transport.
 *
 * <p>Contract for a transport: call {@link #acquire(InetAddress)} during the handshake, after
 * every other check and before the session exists; refuse the handshake when it throws.
 * Otherwise keep the {@link Permit} with the session and call {@link Permit#release()} when
 * the session ends, and also when the handshake fails after the permit was taken. A permit
 * releases its place once however often it is released, so a transport may release it from
 * each of its end paths, such as {@code WtConnection.closed()} and its own close callback.
 *
 * <p>Thread-safe: the total is an {@link AtomicInteger} raised by compare-and-set, the count
 * of each address lives in a {@link ConcurrentHashMap} and changes inside {@code compute}.
 */
public final class SessionLimiter {

	private static final String UNKNOWN_ADDRESS = "unknown";

	private final int maxSessions;

	private final int maxSessionsPerAddress;

	private final AtomicInteger total = new AtomicInteger();

	private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

	/**
	 * Create a limiter.
	 * @param maxSessions the most sessions open at once, at least 1
	 * @param maxSessionsPerAddress the most sessions open at once from one client address,
	 * at least 1
	 */
	public SessionLimiter(int maxSessions, int maxSessionsPerAddress) {
		Assert.isTrue(maxSessions > 0, "'maxSessions' must be positive");
		Assert.isTrue(maxSessionsPerAddress > 0, "'maxSessionsPerAddress' must be positive");
		this.maxSessions = maxSessions;
		this.maxSessionsPerAddress = maxSessionsPerAddress;
	}

	/**
	 * Take a place for a new session.
	 * @param address the client address; {@code null} when unknown, in which case all such
	 * clients share one per-address count
	 * @return the permit, to be released when the session ends
	 * @throws SessionLimitExceededException if either limit is reached
	 */
	public Permit acquire(@Nullable InetAddress address) throws SessionLimitExceededException {
		String key = (address != null) ? address.getHostAddress() : UNKNOWN_ADDRESS;
		int current;
		do {
			current = this.total.get();
			if (current >= this.maxSessions) {
				throw new SessionLimitExceededException(false, this.maxSessions);
			}
		}
		while (!this.total.compareAndSet(current, current + 1));
		if (!incrementAddress(key)) {
			this.total.decrementAndGet();
			throw new SessionLimitExceededException(true, this.maxSessionsPerAddress);
		}
		return new Permit(key);
	}

	private boolean incrementAddress(String key) {
		boolean[] granted = new boolean[1];
		this.perAddress.compute(key, (address, count) -> {
			int open = (count != null) ? count : 0;
			if (open >= this.maxSessionsPerAddress) {
				return count;
			}
			granted[0] = true;
			return open + 1;
		});
		return granted[0];
	}

	/**
	 * Return how many sessions hold a permit now.
	 * @return the number of open sessions
	 */
	public int activeSessions() {
		return this.total.get();
	}

	/**
	 * Return the limit on sessions open at once.
	 * @return the limit
	 */
	public int maxSessions() {
		return this.maxSessions;
	}

	/**
	 * Return the limit on sessions open at once from one client address.
	 * @return the limit
	 */
	public int maxSessionsPerAddress() {
		return this.maxSessionsPerAddress;
	}

	/**
	 * A place taken by one session. Thread-safe; {@link #release()} may be called any number
	 * of times from any thread and gives the place back once.
	 */
	public final class Permit {

		private final String address;

		private final AtomicInteger released = new AtomicInteger();

		private Permit(String address) {
			this.address = address;
		}

		/**
		 * Give the place back, the first time only.
		 */
		public void release() {
			if (this.released.compareAndSet(0, 1)) {
				SessionLimiter.this.perAddress.computeIfPresent(this.address,
						(address, count) -> (count > 1) ? count - 1 : null);
				SessionLimiter.this.total.decrementAndGet();
			}
		}

		/**
		 * Return whether the place was given back.
		 * @return {@code true} after the first {@link #release()}
		 */
		public boolean isReleased() {
			return this.released.get() != 0;
		}

	}

}
