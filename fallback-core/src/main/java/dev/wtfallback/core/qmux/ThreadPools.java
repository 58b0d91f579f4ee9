package dev.wtfallback.core.qmux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors that never make a task wait for a thread, for tasks that may block for long:
 * a virtual thread per task where the running Java is recent enough, otherwise an unbounded
 * pool of daemon platform threads that end after 60 idle seconds.
 */
public final class ThreadPools {

	private ThreadPools() {
	}

	/**
	 * Create an executor that starts a thread, or reuses an idle one, for every task.
	 * @param threadNamePrefix the prefix of thread names
	 * @param virtualFromJava the first Java feature release on which to use virtual threads;
	 * {@link Integer#MAX_VALUE} for platform threads only
	 * @return a new executor; shut it down when done
	 */
	public static ExecutorService elastic(String threadNamePrefix, int virtualFromJava) {
		ExecutorService virtual = (Runtime.version().feature() >= virtualFromJava)
				? virtualThreadPerTaskExecutor(threadNamePrefix) : null;
		return (virtual != null) ? virtual : Executors.newCachedThreadPool(daemonThreads(threadNamePrefix));
	}

	/**
	 * Return whether an executor made by {@link #elastic(String, int)} runs virtual threads.
	 * @param executor the executor
	 * @return {@code true} for a virtual-thread-per-task executor
	 */
	public static boolean isVirtual(ExecutorService executor) {
		return !(executor instanceof ThreadPoolExecutor);
	}

	/**
	 * Return a factory of daemon platform threads named with a prefix and a counter.
	 * @param threadNamePrefix the prefix of thread names
	 * @return the thread factory
	 */
	public static ThreadFactory daemonThreads(String threadNamePrefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, threadNamePrefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Build a virtual-thread-per-task executor through method handles, since this code is
	 * compiled for Java 17 where the API does not exist.
	 * @return the executor, or {@code null} when the API is missing
	 */
	private static ExecutorService virtualThreadPerTaskExecutor(String prefix) {
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builderClass = Class.forName("java.lang.Thread$Builder");
			Class<?> ofVirtualClass = Class.forName("java.lang.Thread$Builder$OfVirtual");
			Object builder = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualClass))
				.invoke();
			builder = lookup
				.findVirtual(ofVirtualClass, "name", MethodType.methodType(ofVirtualClass, String.class, long.class))
				.invoke(builder, prefix, 1L);
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
