package dev.wtfallback.web.sse;

import java.security.Principal;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Application for the hub's wire tests. A servlet filter turns the {@code X-Test-User}
 * header into the request's principal, the way an authentication filter would.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class SseTestApplication {

	static final String USER_HEADER = "X-Test-User";

	@Bean
	RecordingListener recordingListener() {
		return new RecordingListener();
	}

	@Bean
	Filter testPrincipalFilter() {
		return (request, response, chain) -> {
			String user = ((HttpServletRequest) request).getHeader(USER_HEADER);
			chain.doFilter((user != null) ? new AuthenticatedRequest((HttpServletRequest) request, user) : request,
					response);
		};
	}

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

		@Override
		public String getRemoteUser() {
			return this.principal.getName();
		}

	}

}
