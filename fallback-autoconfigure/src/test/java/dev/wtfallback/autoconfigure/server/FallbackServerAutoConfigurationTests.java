package dev.wtfallback.autoconfigure.server;

import java.time.Duration;

import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.HandshakeAuthenticator;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FallbackServerAutoConfiguration}.
 */
class FallbackServerAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(FallbackServerAutoConfiguration.class));

	@Test
	void defaultsAreSameOriginTenThousandSessionsAHundredPerAddressAndTenSecondsOfGrace() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(OriginPolicy.class).isSameOriginOnly()).isTrue();
			assertThat(context.getBean(SessionLimiter.class).maxSessions()).isEqualTo(10_000);
			assertThat(context.getBean(SessionLimiter.class).maxSessionsPerAddress()).isEqualTo(100);
			assertThat(context.getBean(SessionDrainer.class).getGracePeriod()).isEqualTo(Duration.ofSeconds(10));
			assertThat(context).hasSingleBean(FallbackSessionRegistry.class).hasSingleBean(SessionAdmission.class);
		});
	}

	@Test
	void propertiesConfigureTheSharedPieces() {
		this.contextRunner
			.withPropertyValues("fallback.security.allowed-origins=https://a.example,https://*.b.example",
					"fallback.security.allow-credentials=true", "fallback.limits.max-sessions=20",
					"fallback.limits.max-sessions-per-address=5", "fallback.shutdown.grace-period=2s")
			.run((context) -> {
				OriginPolicy origins = context.getBean(OriginPolicy.class);
				assertThat(origins.getAllowedOrigins()).containsExactly("https://a.example", "https://*.b.example");
				assertThat(origins.isAllowCredentials()).isTrue();
				assertThat(context.getBean(SessionLimiter.class).maxSessionsPerAddress()).isEqualTo(5);
				assertThat(context.getBean(SessionDrainer.class).getGracePeriod()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void authenticatorBeanIsUsedByTheAdmission() {
		HandshakeAuthenticator authenticator = (request) -> null;
		this.contextRunner.withBean(HandshakeAuthenticator.class, () -> authenticator)
			.run((context) -> assertThat(context.getBean(SessionAdmission.class)).extracting("authenticator")
				.isSameAs(authenticator));
	}

	@Test
	void stoppedContextRefusesSessionsUntilItStartsAgain() {
		this.contextRunner.run((context) -> {
			FallbackSessionRegistry registry = context.getBean(FallbackSessionRegistry.class);

			context.stop();
			assertThat(registry.isAccepting()).isFalse();
			context.start();

			assertThat(registry.isAccepting()).isTrue();
		});
	}

	@Test
	void invalidLimitsFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("fallback.limits.max-sessions=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(BindValidationException.class)
				.hasMessageContaining("fallback.limits.max-sessions must be at least 1, was 0"));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FallbackServerAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionAdmission.class));
	}

}
