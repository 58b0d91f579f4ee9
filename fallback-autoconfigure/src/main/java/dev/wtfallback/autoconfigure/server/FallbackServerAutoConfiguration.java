package dev.wtfallback.autoconfigure.server;

import dev.wtfallback.autoconfigure.diagnostics.FallbackSettingsCheck;
import dev.wtfallback.autoconfigure.sse.SseHubAutoConfiguration;
import dev.wtfallback.autoconfigure.websocket.WebSocketFallbackAutoConfiguration;
import dev.wtfallback.core.FallbackListener;
import dev.wtfallback.web.server.FallbackSessionRegistry;
import dev.wtfallback.web.server.HandshakeAuthenticator;
import dev.wtfallback.web.server.OriginPolicy;
import dev.wtfallback.web.server.SessionAdmission;
import dev.wtfallback.web.server.SessionDrainer;
import dev.wtfallback.web.server.SessionLimiter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of what every session transport shares: the {@link OriginPolicy} of
 * {@code fallback.security}, the {@link SessionLimiter} of {@code fallback.limits}, the
 * {@link FallbackSessionRegistry} and its {@link SessionDrainer} for
 * {@code fallback.shutdown}, and the {@link SessionAdmission} that applies them together with
 * the application's {@link HandshakeAuthenticator} bean, if any.
 *
 * <p>It also checks, once all beans exist, that the settings of different properties fit
 * together, and fails the start with a message that names them when they do not. Each bean
 * defined by the application replaces the one made here.
 */
@AutoConfiguration(before = { WebSocketFallbackAutoConfiguration.class, SseHubAutoConfiguration.class },
		beforeName = "dev.wtfallback.autoconfigure.ssesession.SseSessionAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@EnableConfigurationProperties({ FallbackSecurityProperties.class, FallbackLimitsProperties.class,
		FallbackShutdownProperties.class })
public final class FallbackServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OriginPolicy fallbackOriginPolicy(FallbackSecurityProperties properties) {
		return new OriginPolicy(properties.getAllowedOrigins(), properties.isAllowCredentials());
	}

	@Bean
	@ConditionalOnMissingBean
	SessionLimiter fallbackSessionLimiter(FallbackLimitsProperties properties) {
		return new SessionLimiter(properties.getMaxSessions(), properties.getMaxSessionsPerAddress());
	}

	@Bean
	@ConditionalOnMissingBean
	FallbackSessionRegistry fallbackSessionRegistry() {
		return new FallbackSessionRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionDrainer fallbackSessionDrainer(FallbackSessionRegistry registry, FallbackShutdownProperties properties) {
		return new SessionDrainer(registry, properties.getGracePeriod());
	}

	@Bean
	@ConditionalOnMissingBean
	SessionAdmission fallbackSessionAdmission(FallbackSessionRegistry registry, SessionLimiter limiter,
			OriginPolicy originPolicy, ObjectProvider<HandshakeAuthenticator> authenticator,
			ObjectProvider<FallbackListener> listeners) {
		return new SessionAdmission(registry, limiter, originPolicy, authenticator.getIfUnique(),
				FallbackListener.composite(listeners.orderedStream().toList()));
	}

	@Bean
	static SmartInitializingSingleton fallbackSettingsCheck(Environment environment,
			ObjectProvider<FallbackSecurityProperties> security, ObjectProvider<FallbackLimitsProperties> limits,
			ObjectProvider<FallbackShutdownProperties> shutdown) {
		return () -> FallbackSettingsCheck.verify(environment, security.getObject(), limits.getObject(),
				shutdown.getObject());
	}

}
