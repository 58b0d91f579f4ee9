package dev.wtfallback.web.sse;

import java.io.IOException;
import java.security.Principal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Serves {@code GET {path}}: opens a client's event stream on the {@link SseHub}.
 *
 * <p>The response is {@code text/event-stream} in UTF-8 with {@code Cache-Control: no-cache}
 * and {@code X-Accel-Buffering: no}, held open as an asynchronous request whose timeout is
 * disabled: a stream ends only when the client leaves, the application closes it, or the hub
 * shuts down. Should a container time it out anyway, the stream is completed and the browser
 * reconnects and resumes. A reconnect carrying the id of a {@link SseHub#close(String) closed}
 * client is answered 204 No Content; a request that arrives while the hub shuts down gets a
 * {@code retry:} field and an ended stream, so the browser tries again later.
 */
public final class SseStreamHandler implements HttpRequestHandler, CorsConfigurationSource {

	private final SseHub hub;

	private final @Nullable CorsConfiguration corsConfiguration;

	/**
	 * Create a handler.
	 * @param hub the hub that owns the streams
	 * @param corsConfiguration the cross-origin rules, or {@code null} for same-origin only
	 */
	public SseStreamHandler(SseHub hub, @Nullable CorsConfiguration corsConfiguration) {
		this.hub = hub;
		this.corsConfiguration = corsConfiguration;
	}

	@Override
	public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!"GET".equals(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "GET");
			SseErrors.write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method-not-allowed",
					"The event stream is opened with GET");
			return;
		}
		String lastEventId = request.getHeader("Last-Event-ID");
		if (this.hub.isRevoked(lastEventId)) {
			response.setStatus(HttpServletResponse.SC_NO_CONTENT);
			return;
		}
		prepare(response);
		if (!this.hub.isAccepting()) {
			response.getOutputStream().write(SseEventEncoder.retryOnly(this.hub.settings().retry()));
			return;
		}
		open(request, response, lastEventId);
	}

	private void prepare(HttpServletResponse response) {
		response.setStatus(HttpServletResponse.SC_OK);
		response.setContentType("text/event-stream");
		response.setCharacterEncoding("UTF-8");
		response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
		response.setHeader("X-Accel-Buffering", "no");
	}

	private void open(HttpServletRequest request, HttpServletResponse response, @Nullable String lastEventId)
			throws IOException {
		Principal principal = request.getUserPrincipal();
		AsyncContext asyncContext = request.startAsync(request, response);
		asyncContext.setTimeout(0);
		ServletSseTransport transport = new ServletSseTransport(asyncContext, response.getOutputStream());
		SseClient client = this.hub.connect(transport, principal, lastEventId);
		transport.start(client);
	}

	@Override
	public @Nullable CorsConfiguration getCorsConfiguration(HttpServletRequest request) {
		return this.corsConfiguration;
	}

}
