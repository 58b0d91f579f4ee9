package dev.wtfallback.core.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Node.js script running as a child process, with its output collected line by line and
 * lines written to its standard input on request. Scripts of the interop harness live in the
 * {@code interop} directory of the build, others in a directory of their own; Maven installs
 * the pinned packages of both before the tests run.
 */
public final class NodeScript implements AutoCloseable {

	private final Process process;

	private final List<String> lines = new ArrayList<>();

	private final CompletableFuture<Void> drained;

	private NodeScript(Process process) {
		this.process = process;
		// A thread of its own: the read blocks for the script's whole life, which must not take
		// a thread of the common pool that other tasks of the test wait for.
		this.drained = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			drain();
			this.drained.complete(null);
		}, "node-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start a script of the harness.
	 * @param script the script file name, such as {@code server.mjs}
	 * @param arguments its arguments
	 * @return the running script
	 * @throws IOException if node cannot be started
	 */
	public static NodeScript start(String script, String... arguments) throws IOException {
		return start(interopDirectory(), script, arguments);
	}

	/**
	 * Start a script of another directory that holds a {@code package.json}.
	 * @param directory the directory, with its packages installed in {@code node_modules}
	 * @param script the script file name, relative to the directory
	 * @param arguments its arguments
	 * @return the running script
	 * @throws IOException if node cannot be started
	 */
	public static NodeScript start(Path directory, String script, String... arguments) throws IOException {
		if (!Files.isDirectory(directory.resolve("node_modules"))) {
			throw new IllegalStateException("No node_modules in " + directory + "; run 'npm ci' there first");
		}
		List<String> command = new ArrayList<>(List.of("node", "--experimental-websocket", script));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		return new NodeScript(process);
	}

	private static Path interopDirectory() {
		String configured = System.getProperty("interop.dir");
		return (configured != null) ? Paths.get(configured) : Paths.get("..", "interop").toAbsolutePath().normalize();
	}

	private void drain() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				add(line);
			}
		}
		catch (IOException ex) {
			add("(output ended: " + ex + ")");
		}
		add(null);
	}

	private void add(String line) {
		synchronized (this.lines) {
			if (line != null) {
				this.lines.add(line);
			}
			this.lines.notifyAll();
		}
	}

	/**
	 * Write one line to the script's standard input.
	 * @param line the line, without its line break
	 * @throws IOException if the script no longer reads its input
	 */
	public void send(String line) throws IOException {
		OutputStream input = this.process.getOutputStream();
		input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		input.flush();
	}

	/**
	 * Wait for an output line that matches.
	 * @param condition the condition
	 * @param timeout how long to wait
	 * @return the first matching line
	 * @throws AssertionError with the whole output if no line matched in time
	 */
	public String awaitLine(Predicate<String> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.lines) {
			while (true) {
				for (String line : this.lines) {
					if (condition.test(line)) {
						return line;
					}
				}
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0 || this.drained.isDone()) {
					break;
				}
				this.lines.wait(remaining);
			}
		}
		throw new AssertionError("No matching output within " + timeout + "; output so far:\n" + output());
	}

	/**
	 * Wait for the script to exit.
	 * @param timeout how long to wait
	 * @return the exit code
	 * @throws AssertionError with the whole output if it is still running
	 */
	public int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new AssertionError("Script still running after " + timeout + "; output so far:\n" + output());
		}
		this.drained.join();
		return this.process.exitValue();
	}

	/**
	 * Return everything the script printed so far.
	 * @return the output, one line per line
	 */
	public String output() {
		synchronized (this.lines) {
			return String.join("\n", this.lines);
		}
	}

	@Override
	public void close() {
		try {
			// The harness's server ends by itself when its standard input closes.
			this.process.getOutputStream().close();
		}
		catch (IOException ex) {
			// It is going down anyway.
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
