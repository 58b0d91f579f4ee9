package dev.wtfallback.web.client;

import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wtfallback.testsupport.SseSessionTestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of serving the browser client on a real Tomcat: content types, entity tags, caching
 * by version and methods.
 */
@SpringBootTest(classes = ClientScriptIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class ClientScriptIntegrationTests {

	@LocalServerPort
	private int port;

	private SseSessionTestClient client;

	@BeforeEach
	void createClient() {
		this.client = SseSessionTestClient.create(this.port);
	}

	@Test
	void scriptIsTheRepositoryFileServedAsJavaScriptWithAnEntityTag() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
		assertThat(response.headers().firstValue("ETag")).hasValueSatisfying(
				(etag) -> assertThat(etag).matches("\"[0-9a-f]{32}\""));
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(response.body()).isEqualTo(Files.readAllBytes(repositoryFile("client.js")));
	}

	@Test
	void requestForTheCurrentVersionMayBeCachedForAYear() throws Exception {
		String version = ClientScriptHandler.script().getVersion();

		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js?v=" + version));

		assertThat(version).isNotBlank().doesNotStartWith("@");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
	}

	@Test
	void requestForAnotherVersionIsRevalidated() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js?v=0.0.1"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
	}

	@Test
	void matchingEntityTagIsAnsweredNotModified() throws Exception {
		String etag = this.client.send(this.client.request("/fallback/client.js")).headers().firstValue("ETag")
			.orElseThrow();

		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js")
			.header("If-None-Match", etag));

		assertThat(response.statusCode()).isEqualTo(304);
		assertThat(response.headers().firstValue("ETag")).hasValue(etag);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(response.body()).isEmpty();
	}

	@Test
	void staleEntityTagGetsTheScript() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js")
			.header("If-None-Match", "\"0123\""));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isNotEmpty();
	}

	@Test
	void declarationsAreServedNextToTheScript() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.d.ts"));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
		assertThat(new String(response.body(), StandardCharsets.UTF_8))
			.isEqualTo(Files.readString(repositoryFile("client.d.ts")));
	}

	@Test
	void headRequestGetsTheHeadersOnly() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js")
			.method("HEAD", BodyPublishers.noBody()));

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("ETag")).isPresent();
		assertThat(response.body()).isEmpty();
	}

	@Test
	void postIsNotAllowed() throws Exception {
		HttpResponse<byte[]> response = this.client.send(this.client.request("/fallback/client.js")
			.POST(BodyPublishers.ofString("x")));

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
	}

	private static Path repositoryFile(String name) {
		return Path.of(System.getProperty("user.dir")).resolveSibling("fallback-client-js").resolve(name);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
