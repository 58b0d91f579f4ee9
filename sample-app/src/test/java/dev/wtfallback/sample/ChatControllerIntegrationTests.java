package dev.wtfallback.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wire tests of the SSE chat: a posted message reaches a reader of the event stream.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ChatControllerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void postedChatMessageIsBroadcastAsChatEvent() throws Exception {
		HttpResponse<Stream<String>> stream = this.http.sendAsync(HttpRequest.newBuilder(uri("/events")).build(),
				HttpResponse.BodyHandlers.ofLines()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		Iterator<String> lines = stream.body().iterator();
		assertThat(nextLineAfter(lines, "event: connected")).startsWith("data: {\"id\":");

		HttpResponse<String> posted = post("{\"text\":\"héllo 🌍\"}");

		assertThat(posted.statusCode()).isEqualTo(202);
		assertThat(nextLineAfter(lines, "event: chat")).isEqualTo("data: {\"text\":\"héllo 🌍\"}");
		stream.body().close();
	}

	@Test
	void blankMessageIsRejected() {
		assertThat(post("{\"text\":\"  \"}").statusCode()).isEqualTo(400);
	}

	@Test
	void chatPageIsServed() throws Exception {
		HttpResponse<String> page = this.http.send(HttpRequest.newBuilder(uri("/chat.html")).build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("new EventSource('/events')");
	}

	private String nextLineAfter(Iterator<String> lines, String marker) throws Exception {
		CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
			while (lines.hasNext()) {
				if (lines.next().equals(marker)) {
					return lines.next();
				}
			}
			throw new AssertionError("Stream ended before '" + marker + "'");
		});
		assertThat(found).as("line after '%s'", marker).succeedsWithin(WAIT);
		return found.get();
	}

	private HttpResponse<String> post(String json) {
		try {
			return this.http.send(HttpRequest.newBuilder(uri("/chat")).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(json)).timeout(WAIT).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new AssertionError("POST /chat failed", ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
