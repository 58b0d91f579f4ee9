package dev.wtfallback.autoconfigure.client;

import dev.wtfallback.web.client.ClientScriptHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientScriptAutoConfiguration}.
 */
class ClientScriptAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClientScriptAutoConfiguration.class));

	@Test
	void servesTheScriptAndItsDeclarationsAtTheDefaultPath() {
		this.contextRunner.run((context) -> {
			SimpleUrlHandlerMapping mapping = context.getBean("fallbackClientScriptHandlerMapping",
					SimpleUrlHandlerMapping.class);

			assertThat(mapping.getUrlMap()).containsOnlyKeys("/fallback/client.js", "/fallback/client.d.ts");
			assertThat(mapping.getUrlMap().values()).allMatch(ClientScriptHandler.class::isInstance);
			assertThat(mapping.getOrder()).isEqualTo(ClientScriptAutoConfiguration.HANDLER_MAPPING_ORDER);
		});
	}

	@Test
	void servesAtTheConfiguredPath() {
		this.contextRunner.withPropertyValues("fallback.client.path=/js/wt.js")
			.run((context) -> assertThat(context.getBean("fallbackClientScriptHandlerMapping",
					SimpleUrlHandlerMapping.class)
				.getUrlMap()).containsOnlyKeys("/js/wt.js", "/js/wt.d.ts"));
	}

	@Test
	void failsOnAPathThatIsNoScript() {
		this.contextRunner.withPropertyValues("fallback.client.path=/js/wt")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("fallback.client.path must start with '/' and end with '.js', was '/js/wt'"));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("fallback.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("fallbackClientScriptHandlerMapping"));
	}

	@Test
	void backsOffWithoutSpringWebMvc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DispatcherServlet.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("fallbackClientScriptHandlerMapping"));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClientScriptAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("fallbackClientScriptHandlerMapping"));
	}

}
