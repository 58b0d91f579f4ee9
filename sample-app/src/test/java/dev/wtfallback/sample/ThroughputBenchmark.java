package dev.wtfallback.sample;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.wtfallback.core.BidirectionalStream;
import dev.wtfallback.core.WtConnection;
import dev.wtfallback.core.client.QmuxClient;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Echo throughput through the sample application on loopback, with the Java client: one
 * stream, then 100 concurrent streams. Each figure counts the bytes that went out and came
 * back, divided by the wall time of the round trip. Run as a plain program, never as a test:
 * <pre class="code">
 * mvn -B -ntp -q -DskipTests -pl sample-app -am install
 * mvn -B -ntp -q -pl sample-app test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.wtfallback.sample.ThroughputBenchmark
 * </pre>
 */
public final class ThroughputBenchmark {

	/** Threads for blocking test tasks; the common pool may have a single thread. */
	private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors
		.newCachedThreadPool();


	private static final int MIB = 1024 * 1024;

	private ThroughputBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		SpringApplication application = new SpringApplication(SampleApplication.class);
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--logging.level.root=WARN", "--spring.main.banner-mode=off")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			URI uri = URI.create("ws://127.0.0.1:" + port + "/wt");
			try (QmuxClient client = QmuxClient.builder().applicationProtocols("echo").build()) {
				System.out.printf(Locale.ROOT, "java %s, %d cores%n", System.getProperty("java.version"),
						Runtime.getRuntime().availableProcessors());
				measure(client, uri, 1, 64, "warm-up");
				for (int round = 1; round <= rounds; round++) {
					measure(client, uri, 1, 256, "one stream, round " + round);
					measure(client, uri, 100, 4, "100 streams, round " + round);
				}
			}
		}
	}

	private static void measure(QmuxClient client, URI uri, int streams, int mibPerStream, String label)
			throws Exception {
		try (WtConnection connection = client.connect(uri)) {
			long start = System.nanoTime();
			List<CompletableFuture<Long>> results = new ArrayList<>();
			for (int i = 0; i < streams; i++) {
				results.add(CompletableFuture.supplyAsync(() -> roundTrip(connection, mibPerStream), THREADS));
			}
			long bytes = 0;
			for (CompletableFuture<Long> result : results) {
				bytes += result.get(10, TimeUnit.MINUTES);
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			System.out.printf(Locale.ROOT, "%-24s %4d MiB each way in %6.2f s: %7.1f MiB/s each way%n", label,
					bytes / MIB, seconds, bytes / (double) MIB / seconds);
		}
	}

	private static long roundTrip(WtConnection connection, int mebibytes) {
		try {
			BidirectionalStream stream = connection.openStream();
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(stream, mebibytes), THREADS);
			byte[] buffer = new byte[64 * 1024];
			long received = 0;
			int n;
			while ((n = stream.read(buffer)) >= 0) {
				received += n;
			}
			writer.join();
			if (received != (long) mebibytes * MIB) {
				throw new IllegalStateException("Stream " + stream.id() + " echoed " + received + " bytes");
			}
			return received;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void write(BidirectionalStream stream, int mebibytes) {
		byte[] chunk = new byte[64 * 1024];
		try {
			for (int i = 0; i < mebibytes * (MIB / chunk.length); i++) {
				stream.write(chunk);
			}
			stream.finish();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
