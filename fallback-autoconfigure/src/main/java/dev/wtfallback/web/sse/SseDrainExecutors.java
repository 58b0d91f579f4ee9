package dev.wtfallback.web.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

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

	private static final String THREAD_NAME_PREFIX = "sse-hub-drain-";

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
		ExecutorService virtual = (Runtime.version().feature() >= VIRTUAL_THREADS_FROM)
				? virtualThreadPerTaskExecutor() : null;
		return (virtual != null) ? virtual : Executors.newCachedThreadPool(daemonThreads());
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, THREAD_NAME_PREFIX + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Look the virtual thread API up through method handles, since this code is compiled for
	 * Java 17 where it does not exist.
	 * @return the executor, or {@code null} if the API is missing
	 */
	private static @Nullable ExecutorService virtualThreadPerTaskExecutor() {
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
			Class<?> ofVirtualClass = Class.forName("java.lang.Thread$Builder$OfVirtual");
			Object builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualClass))
				.invoke();
			builder = lookup
				.findVirtual(ofVirtualClass, "name", MethodType.methodType(ofVirtualClass, String.class, long.class))
				.invoke(builder, THREAD_NAME_PREFIX, 1L);
			ThreadFactory factory = (ThreadFactory) lookup
				.findVirtual(builderClass, "factory", MethodType.methodType(ThreadFactory.class))
				.invoke(builder);
			return (ExecutorService) lookup.findStatic(Executors.class, "newThreadPerTaskExecutor",
					MethodType.methodType(ExecutorService.class, ThreadFactory.class))
				.invoke(factory);
		}
		catch (Throwable ex) {
			return null;
		}
	}

}
