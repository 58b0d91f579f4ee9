package dev.wtfallback.autoconfigure.sse;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import dev.wtfallback.web.sse.SseDataEncoder;
import dev.wtfallback.web.sse.SseHub;
import dev.wtfallback.web.sse.SseHubSettings;
import dev.wtfallback.web.sse.SseMessageHandler;
import dev.wtfallback.web.sse.SseOverflowPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SseHubAutoConfiguration}.
 */
class SseHubAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SseHubAutoConfiguration.class));

	@Test
	void hubAndStreamAreConfiguredInServletWebApplications() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SseHub.class);
			assertThat(urls(context.getBean("sseHubHandlerMapping", SimpleUrlHandlerMapping.class)))
				.containsExactly("/events");
		});
	}

	@Test
	void messageEndpointIsMappedWhenAMessageHandlerExists() {
		this.runner.withBean(SseMessageHandler.class, () -> (client, message) -> {
		}).run((context) -> assertThat(urls(context.getBean("sseHubHandlerMapping", SimpleUrlHandlerMapping.class)))
			.containsExactly("/events", "/events/*"));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("fallback.sse.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SseHub.class);
			assertThat(context).doesNotHaveBean("sseHubHandlerMapping");
		});
	}

	@Test
	void backsOffOutsideServletWebApplications() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SseHubAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SseHub.class));
	}

	@Test
	void applicationHubReplacesTheDefault() {
		SseHub custom = new SseHub(SseHubSettings.defaults(), SseDataEncoder.scalarsOnly(), List.of());
		this.runner.withBean(SseHub.class, () -> custom)
			.run((context) -> assertThat(context.getBean(SseHub.class)).isSameAs(custom));
	}

	@Test
	void propertiesConfigureTheHubAndItsPath() {
		this.runner
			.withPropertyValues("fallback.sse.path=/stream/", "fallback.sse.heartbeat-interval=5s",
					"fallback.sse.retry=750ms", "fallback.sse.replay.max-events=7",
					"fallback.sse.client-queue.max-bytes=2KB", "fallback.sse.client-queue.overflow-policy=drop-event")
			.run((context) -> {
				SseHubSettings settings = context.getBean(SseHub.class).settings();
				assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.retry()).isEqualTo(Duration.ofMillis(750));
				assertThat(settings.replayMaxEvents()).isEqualTo(7);
				assertThat(settings.queueMaxBytes()).isEqualTo(2048);
				assertThat(settings.overflowPolicy()).isEqualTo(SseOverflowPolicy.DROP_EVENT);
				assertThat(urls(context.getBean("sseHubHandlerMapping", SimpleUrlHandlerMapping.class)))
					.containsExactly("/stream");
			});
	}

	@Test
	void pathMustStartWithASlash() {
		this.runner.withPropertyValues("fallback.sse.path=events")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("fallback.sse.path"));
	}

	@Test
	void dataIsWrittenWithTheApplicationsJsonMapper() {
		this.runner
			.withBean(JsonMapper.class, () -> JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build())
			.run((context) -> assertThat(context.getBean(SseDataEncoder.class).encode(Map.of("a", 1)))
				.isEqualTo("{\n  \"a\" : 1\n}"));
	}

	@Test
	void withoutJacksonOnlyTextBytesAndScalarsCanBeSent() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(SseDataEncoder.class);
			SseHub hub = context.getBean(SseHub.class);
			assertThat(hub.broadcast("text", "fine")).isZero();
			assertThat(hub.broadcast("number", 42)).isZero();
			assertThatIllegalArgumentException().isThrownBy(() -> hub.broadcast("object", Map.of("a", 1)))
				.withMessageContaining("no JSON mapper");
		});
	}

	private static List<String> urls(SimpleUrlHandlerMapping mapping) {
		return List.copyOf(mapping.getUrlMap().keySet());
	}

}
