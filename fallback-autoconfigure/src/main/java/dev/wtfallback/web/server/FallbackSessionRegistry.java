package dev.wtfallback.web.server;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.core.Transport;
import dev.wtfallback.core.WtConnection;

/**
 * The sessions open now, across transports, and whether new ones are accepted.
 *
 * <p>A transport {@linkplain #register registers} each session once it is established and
 * ends the returned {@link Registration} when its own transport has closed, which may be
 * later than {@link WtConnection#closed()} while a close frame is still being written. Once
 * {@link #stopAccepting()} was called, transports refuse new handshakes until
 * {@link #startAccepting()}; {@link SessionDrainer} does that on stop and start, and waits
 * here for the registry to empty.
 *
 * <p>The registry is also a {@link FallbackListener} that counts open streams per transport,
 * for the actuator endpoint; as a bean it is part of the listener the sessions report to.
 *
 * <p>Thread-safe: open sessions live in a concurrent set; {@code lock} only serves waiting
 * for the set to empty.
 */
public final class FallbackSessionRegistry implements FallbackListener {

	private final Set<Registration> sessions = ConcurrentHashMap.newKeySet();

	private final Map<Transport, AtomicInteger> streams = new EnumMap<>(Transport.class);

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition emptied = this.lock.newCondition();

	private volatile boolean accepting = true;

	/**
	 * Create an empty registry that accepts sessions.
	 */
	public FallbackSessionRegistry() {
		for (Transport transport : Transport.values()) {
			this.streams.put(transport, new AtomicInteger());
		}
	}

	/**
	 * Add an established session.
	 * @param connection the session
	 * @return the registration, to be ended when the session's transport has closed
	 */
	public Registration register(WtConnection connection) {
		Registration registration = new Registration(connection);
		this.sessions.add(registration);
		return registration;
	}

	/**
	 * Return whether transports should accept new sessions.
	 * @return {@code false} once {@link #stopAccepting()} was called
	 */
	public boolean isAccepting() {
		return this.accepting;
	}

	/**
	 * Make transports refuse new sessions from now on.
	 */
	public void stopAccepting() {
		this.accepting = false;
	}

	/**
	 * Make transports accept new sessions again, as after a restart of the application
	 * context.
	 */
	public void startAccepting() {
		this.accepting = true;
	}

	/**
	 * Return the sessions open now.
	 * @return a snapshot
	 */
	public List<WtConnection> sessions() {
		return this.sessions.stream().map(Registration::connection).toList();
	}

	/**
	 * Return how many sessions of a transport are open now.
	 * @param transport the transport
	 * @return the number of sessions
	 */
	public int activeSessions(Transport transport) {
		return (int) this.sessions.stream().filter((session) -> session.connection.transport() == transport).count();
	}

	/**
	 * Return how many sessions are open now.
	 * @return the number of sessions
	 */
	public int activeSessions() {
		return this.sessions.size();
	}

	/**
	 * Return how many streams of sessions of a transport are open now.
	 * @param transport the transport
	 * @return the number of streams
	 */
	public int activeStreams(Transport transport) {
		return this.streams.get(transport).get();
	}

	/**
	 * Wait until no session is left.
	 * @param timeout the longest wait
	 * @return whether the registry is empty
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	public boolean awaitEmpty(Duration timeout) throws InterruptedException {
		long nanos = timeout.toNanos();
		this.lock.lock();
		try {
			while (!this.sessions.isEmpty() && nanos > 0) {
				nanos = this.emptied.awaitNanos(nanos);
			}
			return this.sessions.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void streamOpened(Transport transport, boolean bidirectional, boolean local) {
		this.streams.get(transport).incrementAndGet();
	}

	@Override
	public void streamClosed(Transport transport, boolean bidirectional) {
		this.streams.get(transport).decrementAndGet();
	}

	private void removed(Registration registration) {
		if (this.sessions.remove(registration) && this.sessions.isEmpty()) {
			this.lock.lock();
			try {
				this.emptied.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * One registered session. {@link #end()} may be called any number of times, from any
	 * thread.
	 */
	public final class Registration {

		private final WtConnection connection;

		private final AtomicBoolean ended = new AtomicBoolean();

		private Registration(WtConnection connection) {
			this.connection = connection;
		}

		/**
		 * Return the registered session.
		 * @return the session
		 */
		public WtConnection connection() {
			return this.connection;
		}

		/**
		 * Remove the session from the registry, the first time only.
		 */
		public void end() {
			if (this.ended.compareAndSet(false, true)) {
				removed(this);
			}
		}

	}

}
