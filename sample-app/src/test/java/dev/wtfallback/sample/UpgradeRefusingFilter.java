package dev.wtfallback.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Answers {@code 403 Forbidden} to every WebSocket upgrade request, as a proxy that does not
 * pass WebSockets on does, and lets every other request through. Registered ahead of all other
 * filters by {@link #register(ConfigurableApplicationContext)}, for instance as an initializer.
 */
final class UpgradeRefusingFilter implements Filter {

	/**
	 * Register the filter in a context that has not been refreshed yet.
	 * @param context the application context
	 */
	static void register(ConfigurableApplicationContext context) {
		FilterRegistrationBean<UpgradeRefusingFilter> registration = new FilterRegistrationBean<>(
				new UpgradeRefusingFilter());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		context.getBeanFactory().registerSingleton("upgradeRefusingFilter", registration);
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		String upgrade = ((HttpServletRequest) request).getHeader(HttpHeaders.UPGRADE);
		if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
			chain.doFilter(request, response);
			return;
		}
		HttpServletResponse http = (HttpServletResponse) response;
		http.setStatus(HttpStatus.FORBIDDEN.value());
		http.setContentType(MediaType.TEXT_PLAIN_VALUE);
		http.getOutputStream().write("WebSocket upgrades are not passed on\n".getBytes(StandardCharsets.UTF_8));
	}

}
