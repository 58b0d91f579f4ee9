package dev.wtfallback.web.sse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@link SseTransport} over a Spring MVC {@link SseEmitter}.
 *
 * <p>Events are framed by {@link SseEventEncoder}, so each send hands the emitter bytes that
 * its byte array converter writes unchanged, followed by one flush. The emitter's completion,
 * error and timeout callbacks, which Spring MVC runs on container threads, are forwarded to
 * the client. The stream handler reports the transport {@link #ready()} once Spring MVC has
 * started the asynchronous request and connected the emitter to the response; nothing is sent
 * before that.
 */
final class SseEmitterTransport implements SseTransport {

	private static final MediaType EVENT_TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	private final SseEmitter emitter;

	private volatile SseClient client;

	SseEmitterTransport(SseEmitter emitter) {
		this.emitter = emitter;
	}

	@Override
	public void start(SseClient client) {
		this.client = client;
		this.emitter.onCompletion(client::transportCompleted);
		this.emitter.onError(client::transportFailed);
		this.emitter.onTimeout(client::transportTimedOut);
	}

	/**
	 * Called once the emitter writes to the response.
	 */
	void ready() {
		this.client.transportReady();
	}

	@Override
	public void send(byte[] bytes) throws IOException {
		this.emitter.send(Set.of(new DataWithMediaType(bytes, EVENT_TEXT)));
	}

	@Override
	public void complete() {
		this.emitter.complete();
	}

}
