package dev.wtfallback.sample;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.wtfallback.core.testsupport.NodeScript;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the sample page, {@code index.html}, in Debian's headless Chromium through
 * {@code e2e/run.mjs}: the transport the page reports, chat over the SSE hub, echo, a 5 MiB
 * stream round trip with matching SHA-256, and a server restart on the same port that the page
 * must notice and recover from. The application runs once as it is and once behind a filter
 * that refuses WebSocket upgrades, where the page must fall back to SSE+POST. Screenshots land
 * in {@code target/e2e-screenshots}.
 */
@Timeout(240)
class BrowserEndToEndIntegrationTests {

	private static final Pattern SUMMARY = Pattern.compile("\\d+ passed, \\d+ failed");

	private static final Path SCREENSHOTS = Paths.get("target", "e2e-screenshots").toAbsolutePath();

	private ConfigurableApplicationContext server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void pageRunsOverWebSocketAndReconnectsAfterRestart() throws Exception {
		assertPageChecksPass("websocket", false);
	}

	@Test
	void pageFallsBackToSsePostWhenUpgradesAreRefusedAndReconnectsAfterRestart() throws Exception {
		assertPageChecksPass("sse", true);
	}

	private void assertPageChecksPass(String transport, boolean refuseUpgrades) throws Exception {
		this.server = startServer(0, refuseUpgrades);
		int port = ((WebServerApplicationContext) this.server).getWebServer().getPort();
		try (NodeScript page = NodeScript.start(e2eDirectory(), "run.mjs", "--base=http://127.0.0.1:" + port,
				"--expect=" + transport, "--screenshots=" + SCREENSHOTS, "--restart")) {
			String line = page.awaitLine((l) -> l.equals("@stop") || SUMMARY.matcher(l).matches(),
					Duration.ofSeconds(120));
			if (line.equals("@stop")) {
				restart(page, port, refuseUpgrades);
			}
			int exitCode = page.awaitExit(Duration.ofSeconds(90));
			System.out.println(page.output());

			assertThat(exitCode).as("exit code; output:%n%s", page.output()).isZero();
			assertThat(page.output()).contains(", 0 failed").doesNotContain("FAIL");
			assertThat(SCREENSHOTS.resolve(transport + ".png")).isRegularFile();
			assertThat(SCREENSHOTS.resolve(transport + "-after-restart.png")).isRegularFile();
		}
	}

	/**
	 * Stop the application and, once the page has had its chance to notice, start a new one on
	 * the same port.
	 */
	private void restart(NodeScript page, int port, boolean refuseUpgrades) throws Exception {
		this.server.close();
		this.server = null;
		page.send("stopped");
		page.awaitLine("@start"::equals, Duration.ofSeconds(40));
		this.server = startServer(port, refuseUpgrades);
		page.send("started");
	}

	private static ConfigurableApplicationContext startServer(int port, boolean refuseUpgrades) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SampleApplication.class)
			.main(SampleApplication.class);
		if (refuseUpgrades) {
			builder.initializers(UpgradeRefusingFilter::register);
		}
		return builder.run("--server.port=" + port, "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--spring.lifecycle.timeout-per-shutdown-phase=5s", "--fallback.shutdown.grace-period=1s");
	}

	private static Path e2eDirectory() {
		String configured = System.getProperty("e2e.dir");
		return (configured != null) ? Paths.get(configured) : Paths.get("..", "e2e").toAbsolutePath().normalize();
	}

}
