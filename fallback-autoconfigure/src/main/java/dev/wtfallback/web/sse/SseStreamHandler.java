package dev.wtfallback.web.sse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Serves {@code GET {path}}: opens a client's event stream on the {@link SseHub} as a Spring
 * MVC {@link SseEmitter}.
 *
 * <p>{@link #handlerMethod()} is mapped to the path by a handler mapping, and Spring MVC's
 * {@code RequestMappingHandlerAdapter} invokes it like a controller method: the returned
 * emitter turns the request asynchronous. The response is {@code text/event-stream} in UTF-8
 * with {@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}. The emitter's
 * timeout is zero, which disables the asynchronous request timeout: a stream ends only when
 * the client leaves, the application closes it, or the hub shuts down. Should a container
 * time it out anyway, the stream is completed and the browser reconnects and resumes. A
 * reconnect carrying the id of a {@link SseHub#close(String) closed} client is answered 204
 * No Content; a request that arrives while the hub shuts down gets a {@code retry:} field and
 * an ended stream, so the browser tries again later.
 *
 * <p>This handler must also be registered as an interceptor of the same mapping: once Spring
 * MVC has connected the emitter to the response, still on the container thread, it lets the
 * client start writing. That thread writes the opening events, at most a few kilobytes, and
 * the hub's drain threads write the rest.
 */
public final class SseStreamHandler implements AsyncHandlerInterceptor {

	private static final MediaType EVENT_STREAM = new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8);

	private static final Method STREAM_METHOD = ReflectionUtils.findMethod(SseStreamHandler.class, "stream",
			HttpServletRequest.class, HttpServletResponse.class);

	private static final String TRANSPORT_ATTRIBUTE = SseStreamHandler.class.getName() + ".transport";

	/**
	 * Emitter timeout meaning that the asynchronous request never times out.
	 */
	private static final long NO_TIMEOUT = 0;

	private final SseHub hub;

	/**
	 * Create a handler.
	 * @param hub the hub that owns the streams
	 */
	public SseStreamHandler(SseHub hub) {
		this.hub = hub;
	}

	/**
	 * Return the handler method to map to the stream path.
	 * @return the handler method of {@link #stream(HttpServletRequest, HttpServletResponse)}
	 */
	public HandlerMethod handlerMethod() {
		return new HandlerMethod(this, STREAM_METHOD);
	}

	/**
	 * Open a stream. Called by Spring MVC on a container thread.
	 * @param request the request
	 * @param response the response, written directly only to refuse a method other than GET
	 * @return the response entity whose body is the stream, or {@code null} if the response
	 * was written
	 * @throws IOException if the refusal could not be written
	 */
	public @Nullable ResponseEntity<SseEmitter> stream(HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		if (!"GET".equals(request.getMethod())) {
			response.setHeader(HttpHeaders.ALLOW, "GET");
			SseErrors.write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method-not-allowed",
					"The event stream is opened with GET");
			return null;
		}
		String lastEventId = request.getHeader("Last-Event-ID");
		if (this.hub.isRevoked(lastEventId)) {
			return ResponseEntity.noContent().build();
		}
		SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
		if (this.hub.isAccepting()) {
			open(request, emitter, lastEventId);
		}
		else {
			emitter.send(Set.of(new DataWithMediaType(SseEventEncoder.retryOnly(this.hub.settings().retry()),
					MediaType.TEXT_PLAIN)));
			emitter.complete();
		}
		return ResponseEntity.ok()
			.contentType(EVENT_STREAM)
			.cacheControl(CacheControl.noCache())
			.header("X-Accel-Buffering", "no")
			.body(emitter);
	}

	private void open(HttpServletRequest request, SseEmitter emitter, @Nullable String lastEventId) {
		SseEmitterTransport transport = new SseEmitterTransport(emitter);
		SseClient client = this.hub.connect(transport, request.getUserPrincipal(), lastEventId);
		transport.start(client);
		request.setAttribute(TRANSPORT_ATTRIBUTE, transport);
	}

	@Override
	public void afterConcurrentHandlingStarted(HttpServletRequest request, HttpServletResponse response,
			Object handler) {
		if (request.getAttribute(TRANSPORT_ATTRIBUTE) instanceof SseEmitterTransport transport) {
			transport.ready();
		}
	}

}
