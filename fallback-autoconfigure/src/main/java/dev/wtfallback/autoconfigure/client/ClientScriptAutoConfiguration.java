package dev.wtfallback.autoconfigure.client;

import java.util.Map;

import dev.wtfallback.web.client.ClientScriptHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that serves the browser client script at {@code fallback.client.path} and its TypeScript
 * declarations next to it.
 *
 * <p>Backs off unless the application is a servlet web application with Spring MVC. The files
 * live in their own handler mapping, ordered before annotated controllers, so that an
 * application route cannot shadow them by accident; {@code fallback.client.enabled=false}
 * frees the paths.
 */
@AutoConfiguration(after = WebMvcAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(prefix = "fallback.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ClientScriptProperties.class)
public final class ClientScriptAutoConfiguration {

	/** Order of the client's handler mapping: just before annotated controllers. */
	static final int HANDLER_MAPPING_ORDER = -1;

	@Bean
	@ConditionalOnMissingBean(name = "fallbackClientScriptHandlerMapping")
	SimpleUrlHandlerMapping fallbackClientScriptHandlerMapping(ClientScriptProperties properties) {
		return new SimpleUrlHandlerMapping(Map.of(properties.getPath(), ClientScriptHandler.script(),
				properties.getTypesPath(), ClientScriptHandler.types()), HANDLER_MAPPING_ORDER);
	}

}
