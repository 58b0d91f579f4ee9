package dev.wtfallback.web.ssesession;

import java.security.Principal;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Application for the integration tests of the SSE+POST transport: an echoing
 * {@link dev.wtfallback.core.OnConnect} handler, and a filter that authenticates a request as
 * the user named in its {@value #USER_HEADER} header.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class SseSessionTestApplication {

	/** Request header that names the user a request is authenticated as. */
	static final String USER_HEADER = "X-Test-User";

	@Bean
	EchoConnections echoConnections() {
		return new EchoConnections();
	}

	@Bean
	Filter testUserFilter() {
		return (request, response, chain) -> {
			String user = ((HttpServletRequest) request).getHeader(USER_HEADER);
			chain.doFilter((user != null) ? new AuthenticatedRequest((HttpServletRequest) request, user) : request,
					response);
		};
	}

	/**
	 * A request authenticated as a named user.
	 */
	private static final class AuthenticatedRequest extends HttpServletRequestWrapper {

		private final Principal principal;

		AuthenticatedRequest(HttpServletRequest request, String user) {
			super(request);
			this.principal = () -> user;
		}

		@Override
		public Principal getUserPrincipal() {
			return this.principal;
		}

	}

}
