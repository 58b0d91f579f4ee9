package dev.wtfallback.core.qmux;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.FallbackListener;

/**
 * What many sessions share: one executor for connection handlers and asynchronous
 * operations, one for the writers that put records on the network, one scheduler for timers,
 * and the listener that receives their events.
 *
 * <p>On Java 21 and later the handler executor starts a virtual thread per task, so a handler
 * parked in {@code acceptStream()} costs no platform thread. On Java 17 it is an unbounded pool
 * of daemon platform threads that idle for 60 seconds before they end. Writers always run on
 * such a platform pool: a writer blocks in the container's send for as long as its peer does
 * not read, and a virtual thread blocked there can keep a carrier thread busy; a session holds
 * a writer thread only while it has records queued.
 */
public final class QmuxRuntime implements AutoCloseable {

	private final ExecutorService executor;

	private final ExecutorService writerExecutor;

	private final ScheduledExecutorService scheduler;

	private final boolean virtualThreads;

	private final FallbackListener listener;

	private QmuxRuntime(ExecutorService executor, ExecutorService writerExecutor, boolean virtualThreads,
			ScheduledExecutorService scheduler, FallbackListener listener) {
		this.executor = executor;
		this.writerExecutor = writerExecutor;
		this.virtualThreads = virtualThreads;
		this.scheduler = scheduler;
		this.listener = listener;
	}

	/**
	 * Create a runtime whose threads are named after the given prefix.
	 * @param threadNamePrefix the thread name prefix, such as {@code fallback-}
	 * @return a new runtime; close it to stop its threads
	 */
	public static QmuxRuntime create(String threadNamePrefix) {
		return create(threadNamePrefix, FallbackListener.NONE);
	}

	/**
	 * Create a runtime whose sessions report their events to a listener.
	 * @param threadNamePrefix the thread name prefix, such as {@code fallback-}
	 * @param listener the listener, called on session threads; see its contract
	 * @return a new runtime; close it to stop its threads
	 */
	public static QmuxRuntime create(String threadNamePrefix, FallbackListener listener) {
		ExecutorService executor = ThreadPools.elastic(threadNamePrefix + "worker-", 21);
		ExecutorService writerExecutor = ThreadPools.elastic(threadNamePrefix + "writer-", Integer.MAX_VALUE);
		ScheduledExecutorService scheduler = Executors
			.newSingleThreadScheduledExecutor(ThreadPools.daemonThreads(threadNamePrefix + "timer-"));
		return new QmuxRuntime(executor, writerExecutor, ThreadPools.isVirtual(executor), scheduler, listener);
	}

	/**
	 * Return the executor for handlers, writers and asynchronous operations.
	 * @return the executor
	 */
	public ExecutorService executor() {
		return this.executor;
	}

	/**
	 * Return the executor that runs session writers, which block while their peer does not read.
	 * @return the writer executor, always of platform threads
	 */
	public ExecutorService writerExecutor() {
		return this.writerExecutor;
	}

	/**
	 * Return the scheduler for idle timeouts and keep-alive pings; its tasks must not block.
	 * @return the scheduler
	 */
	public ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	/**
	 * Return the listener that sessions report their events to.
	 * @return the listener, {@link FallbackListener#NONE} when none was given
	 */
	public FallbackListener listener() {
		return this.listener;
	}

	/**
	 * Return whether tasks run on virtual threads.
	 * @return {@code true} on Java 21 and later
	 */
	public boolean usesVirtualThreads() {
		return this.virtualThreads;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.writerExecutor.shutdownNow();
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
