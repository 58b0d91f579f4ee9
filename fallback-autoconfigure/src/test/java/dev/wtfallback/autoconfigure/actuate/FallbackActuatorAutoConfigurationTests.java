package dev.wtfallback.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;

import dev.wtfallback.autoconfigure.server.FallbackServerAutoConfiguration;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallbackEndpointAutoConfiguration} and
 * {@link FallbackHealthContributorAutoConfiguration}.
 */
class FallbackActuatorAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallbackServerAutoConfiguration.class, EndpointAutoConfiguration.class,
				WebEndpointAutoConfiguration.class, FallbackEndpointAutoConfiguration.class,
				FallbackHealthContributorAutoConfiguration.class));

	@Test
	void endpointIsNotAvailableUnlessExposed() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FallbackEndpoint.class));
	}

	@Test
	void endpointIsAvailableWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=fallback")
			.run((context) -> assertThat(context).hasSingleBean(FallbackEndpoint.class));
	}

	@Test
	void endpointIsNotServedOverHttpUnlessExposed() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ActuatorTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();

			int status = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/fallback")).build(),
						BodyHandlers.discarding())
				.statusCode();

			assertThat(status).isEqualTo(404);
			assertThat(context.getBeanNamesForType(FallbackEndpoint.class)).isEmpty();
		}
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=fallback")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FallbackEndpoint.class));
	}

	@Test
	void healthIsUpAndOutOfServiceWhileDraining() {
		this.contextRunner.run((context) -> {
			HealthIndicator health = context.getBean("fallbackHealthIndicator", HealthIndicator.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			context.getBean(FallbackSessionRegistry.class).stopAccepting();

			assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.health().getDetails()).containsEntry("draining", true)
				.containsEntry("websocketSessions", 0);
		});
	}

	@Test
	void healthCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.fallback.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FallbackHealthIndicator.class));
	}

	@Test
	void healthBacksOffWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FallbackHealthIndicator.class));
	}

}
