package dev.wtfallback.web.sse;

import java.util.concurrent.ExecutorService;

import dev.wtfallback.core.qmux.ThreadPools;

/**
 * Creates the executor that runs the hub's drains, whose writes block while a client reads
 * slowly.
 *
 * <p>The executor never makes a task wait for a thread, so a drain stuck on one client's
 * socket cannot delay the drains of other clients. On Java 24 and later it starts a virtual
 * thread per task. Before that it is an unbounded pool of daemon platform threads that end
 * after 60 idle seconds: Tomcat waits for a blocked write inside a {@code synchronized}
 * block, which on Java 21 to 23 pins a virtual thread to its carrier, and only a few hundred
 * carriers are ever added to make up for pinned ones. A drain holds its thread only while its
 * client has queued events.
 */
final class SseDrainExecutors {

	/**
	 * First Java release whose virtual threads unmount while waiting inside a monitor.
	 */
	private static final int VIRTUAL_THREADS_FROM = 24;

	private SseDrainExecutors() {
	}

	/**
	 * Create an executor for drains.
	 * @return a new executor; shut it down when the hub stops
	 */
	static ExecutorService create() {
		return ThreadPools.elastic("sse-hub-drain-", VIRTUAL_THREADS_FROM);
	}

}
